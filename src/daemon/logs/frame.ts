// The structured log's on-disk format, and where a spool chunk may be cut. Pure functions over buffers.
// A frame holds whole lines of one stream read at one time: an ASCII header `TS S LENGTH\n` (S is `o` or `e`),
// then LENGTH bytes of lines, the last one ending in `\n`. Framing per chunk, not per line, keeps ingestion cheap.
import type { LogLine } from '../supervisor-api.js';

/** One of a unit's two output streams. */
export type Stream = LogLine['stream'];

const NL = 0x0a;
const HEADER = /^(\d{1,16}) ([oe]) (\d{1,10})$/;
const MAX_HEADER_BYTES = 32;

/** One frame found in a structured log buffer: its stream, its read time, and the byte range of its lines. */
export interface Frame {
  ts: number;
  stream: Stream;
  start: number;
  end: number;
}

/** The header of a frame of `length` bytes of lines. */
export function frameHeader(ts: number, stream: Stream, length: number): Buffer {
  return Buffer.from(`${Math.trunc(ts)} ${stream === 'stdout' ? 'o' : 'e'} ${length}\n`, 'latin1');
}

/** The whole frames of a structured log buffer in order, and where the last of them ends (a torn frame is left out). */
export function parseFrames(buffer: Buffer): { frames: Frame[]; end: number } {
  const frames: Frame[] = [];
  let position = 0;
  for (;;) {
    const frame = parseFrameAt(buffer, position);
    if (!frame) return { frames, end: position };
    frames.push(frame);
    position = frame.end;
  }
}

function parseFrameAt(buffer: Buffer, position: number): Frame | undefined {
  const newline = buffer.subarray(position, position + MAX_HEADER_BYTES).indexOf(NL);
  if (newline < 0) return undefined;
  const match = HEADER.exec(buffer.toString('latin1', position, position + newline));
  if (!match) return undefined;
  const start = position + newline + 1;
  const end = start + Number(match[3]);
  // A frame whose lines do not end in a newline was torn by a crash or a full disk: it and what follows are not trusted.
  if (end > buffer.length || end === start || buffer[end - 1] !== NL) return undefined;
  return { ts: Number(match[1]), stream: match[2] === 'o' ? 'stdout' : 'stderr', start, end };
}

/** Appends the lines of `frame` to `out`; a last line without a newline counts as a line. */
export function frameLines(buffer: Buffer, frame: Frame, out: LogLine[]): void {
  for (let position = frame.start; position < frame.end; ) {
    let newline = buffer.indexOf(NL, position);
    if (newline < 0 || newline > frame.end) newline = frame.end;
    out.push({ ts: frame.ts, stream: frame.stream, text: buffer.toString('utf8', position, newline) });
    position = newline + 1;
  }
}

/** How many lines `frame` holds. */
export function countLines(buffer: Buffer, frame: Frame): number {
  let count = 0;
  for (let position = buffer.indexOf(NL, frame.start); position >= 0 && position < frame.end; position = buffer.indexOf(NL, position + 1)) {
    count++;
  }
  return count;
}

/**
 * How much of a chunk read from a spool to ingest now: up to and including its last newline, keeping a partial last
 * line in the spool for the next read. All of it (ended with a newline if it lacks one) when the writer is done and
 * this is the end of the spool (`final`, not `full`: a process's last words without a trailing newline), or when a
 * `full` chunk holds no newline (a line longer than a chunk is cut, so one line cannot stall ingestion).
 * `take` 0 means wait for the rest of the line.
 */
export function ingestible(chunk: Buffer, full: boolean, final: boolean): { take: number; addNewline: boolean } {
  if (chunk.length === 0) return { take: 0, addNewline: false };
  const lastLineEnd = chunk.lastIndexOf(NL) + 1;
  if (final && !full) return { take: chunk.length, addNewline: lastLineEnd !== chunk.length };
  if (lastLineEnd > 0) return { take: lastLineEnd, addNewline: false };
  return full ? { take: chunk.length, addNewline: true } : { take: 0, addNewline: false };
}
