// Reading an HTTP/1.x response off a health probe's connection: the status, and where the response ends, so that the
// connection can carry the next probe. Pure functions over the bytes received so far.

/** Bytes of status line and headers accepted before the response is given up as malformed. */
const MAX_HEAD_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})/;

/** What the bytes so far say: more are needed, the response is complete, or it is not a usable HTTP response. */
export type ResponseProgress =
  | { state: 'partial' }
  | { state: 'complete'; status: number; reusable: boolean }
  | { state: 'invalid'; error: string };

const PARTIAL: ResponseProgress = { state: 'partial' };

interface Head {
  status: number;
  bodyStart: number;
  keepAlive: boolean;
  chunked: boolean;
  contentLength: number | undefined;
}

/**
 * Parses the response in `bytes` (everything received since the request was sent). `complete` once the body has
 * been read to its end, with `reusable` telling whether the connection can carry another request: a response framed
 * by Content-Length or chunked encoding, not `Connection: close`, with no stray bytes after it. A body longer than
 * `bodyLimit`, or one that only ends when the connection closes, is not waited for: the status is known, and the
 * connection is simply not reused. Interim 1xx responses are skipped.
 */
export function parseResponse(bytes: Buffer, bodyLimit: number): ResponseProgress {
  let offset = 0;
  for (;;) {
    const head = parseHead(bytes, offset);
    if ('state' in head) return head;
    if (head.status >= 100 && head.status < 200 && head.status !== 101) {
      offset = head.bodyStart;
      continue;
    }
    return parseBody(bytes, head, bodyLimit);
  }
}

function parseHead(bytes: Buffer, offset: number): Head | ResponseProgress {
  const prefix = bytes.toString('latin1', offset, Math.min(bytes.length, offset + 5));
  if (!'HTTP/'.startsWith(prefix)) return { state: 'invalid', error: 'not an HTTP response' };
  const end = bytes.indexOf(HEAD_END, offset);
  if (end < 0) return bytes.length - offset > MAX_HEAD_BYTES ? { state: 'invalid', error: 'response header too long' } : PARTIAL;
  const lines = bytes.toString('latin1', offset, end).split('\r\n');
  const match = STATUS_LINE.exec(lines[0] ?? '');
  if (!match) return { state: 'invalid', error: 'not an HTTP response' };
  let connection = '';
  let chunked = false;
  let contentLength: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim().toLowerCase();
    if (name === 'connection') connection = value;
    else if (name === 'transfer-encoding') chunked = value.split(',').some((coding) => coding.trim() === 'chunked');
    else if (name === 'content-length' && /^\d+$/.test(value)) contentLength = Number(value);
  }
  const http11 = match[1] === '1';
  return {
    status: Number(match[2]),
    bodyStart: end + HEAD_END.length,
    keepAlive: http11 ? !connection.includes('close') : connection.includes('keep-alive'),
    chunked,
    contentLength,
  };
}

function parseBody(bytes: Buffer, head: Head, bodyLimit: number): ResponseProgress {
  const done = (end: number): ResponseProgress => ({ state: 'complete', status: head.status, reusable: head.keepAlive && end === bytes.length });
  // Bodies that are not read to their end: the connection is dropped after the status is known.
  const unread: ResponseProgress = { state: 'complete', status: head.status, reusable: false };
  if (head.status === 204 || head.status === 304) return done(head.bodyStart);
  if (head.chunked) return chunkedEnd(bytes, head.bodyStart, bodyLimit, done, unread);
  if (head.contentLength === undefined || head.contentLength > bodyLimit) return unread;
  const end = head.bodyStart + head.contentLength;
  return bytes.length >= end ? done(end) : PARTIAL;
}

// Walks chunks `SIZE[;ext]\r\nDATA\r\n` to the last one `0\r\n`, then the trailer section ending in an empty line.
function chunkedEnd(
  bytes: Buffer,
  start: number,
  bodyLimit: number,
  done: (end: number) => ResponseProgress,
  unread: ResponseProgress,
): ResponseProgress {
  let position = start;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, position);
    if (lineEnd < 0) return bytes.length - position > 1024 ? { state: 'invalid', error: 'bad chunk size' } : PARTIAL;
    const size = Number.parseInt(bytes.toString('latin1', position, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) return { state: 'invalid', error: 'bad chunk size' };
    if (size === 0) {
      // No trailers: the empty line follows at once; else the trailers end with an empty line.
      if (bytes.length < lineEnd + 4) return PARTIAL;
      if (bytes[lineEnd + 2] === 0x0d && bytes[lineEnd + 3] === 0x0a) return done(lineEnd + 4);
      const trailersEnd = bytes.indexOf(HEAD_END, lineEnd);
      return trailersEnd < 0 ? PARTIAL : done(trailersEnd + HEAD_END.length);
    }
    position = lineEnd + 2 + size + 2;
    if (position - start > bodyLimit) return unread;
    if (bytes.length < position) return PARTIAL;
  }
}
