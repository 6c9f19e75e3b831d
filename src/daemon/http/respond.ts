// Reply helpers: the {status, message, data} envelope, request bodies, and NDJSON streams.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DaemonError, badRequest } from '../errors.js';
import type { Reply } from './router.js';
import type { Envelope } from '../../contract/wire.js';

/** Largest request body accepted (a batch of a few hundred unit specs is far below it). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
// A client that reads its stream slower than the daemon writes is dropped past this, so it cannot grow the daemon's memory.
const MAX_STREAM_BACKLOG = 8 * 1024 * 1024;

/** A success reply in the 2.x envelope. */
export function ok<T>(message: string, data: T, status = 200): Reply {
  const body: Envelope<T> = { status: 'success', message, data };
  return { status, body };
}

/** Sends a JSON reply (no body for 204). */
export function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Reads and parses a JSON request body; undefined when the body is empty. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new DaemonError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new DaemonError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`invalid JSON in request body: ${(error as Error).message}`);
  }
}

/** A newline-delimited JSON response: one value per line, flushed as written. */
export interface NdjsonStream {
  /** Writes one line; resolves when the client can take more (at once unless its buffer is full). */
  write(value: unknown): Promise<void>;
  end(): void;
}

/** Starts a 200 NDJSON response. A client whose backlog passes 8 MB is disconnected. */
export function ndjson(res: ServerResponse): NdjsonStream {
  // `connection: close`: a stream's connection is not reused, so when it ends (daemon closing) nothing holds the listener open.
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', connection: 'close' });
  // Headers go out at once, so a client waiting for the first event knows the stream is open.
  res.flushHeaders();
  // One wait for 'drain' shared by every write made meanwhile: the event stream writes without awaiting, and a
  // listener pair per write piled up past Node's MaxListeners warning during a 100-unit up.
  let drained: Promise<void> | undefined;
  const drain = () =>
    (drained ??= new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        drained = undefined;
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    }));
  return {
    async write(value) {
      if (res.destroyed || res.writableEnded) return;
      if (res.writableLength > MAX_STREAM_BACKLOG) {
        res.destroy(new Error('client too slow'));
        return;
      }
      if (!res.write(`${JSON.stringify(value)}\n`)) await drain();
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}
