// What the transports share: turning a reply or a failed connection into a SandboxApiError, and NDJSON lines into values.
import { StringDecoder } from 'node:string_decoder';
import { SandboxApiError } from './errors.js';

/** The SandboxApiError for a reply with a non-2xx status: its `{error}` message, else its text. */
export function errorFromReply(status: number, text: string, what: string): SandboxApiError {
  let message = text.trim() || `HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
  } catch {
    // not JSON: keep the text
  }
  return new SandboxApiError(status, message, what);
}

/** The SandboxApiError for a daemon that could not be reached (status 0), naming the errno code when there is one. */
export function unreachableError(where: string, what: string, error: unknown): SandboxApiError {
  if (error instanceof SandboxApiError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code && code.startsWith('E') ? code : (error as Error).message;
  return new SandboxApiError(0, `cannot reach the sandbox daemon at ${where}: ${reason}`, what, { cause: error });
}

/** Splits a stream of text chunks into parsed NDJSON values (blank lines skipped). */
export async function* ndjson<T>(chunks: AsyncIterable<Buffer>): AsyncGenerator<T> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += decoder.write(chunk);
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== '') yield JSON.parse(line) as T;
    }
  }
}
