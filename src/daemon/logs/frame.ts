// A unit's log index on disk, and the lines of its frames. Pure functions over buffers.
// The processes' output stays in the spool files they write; the index says which byte ranges of them hold lines,
// from which stream and since when. A frame is one ASCII line `TS S SEGMENT START LENGTH\n` (S is `o` or `e`): the
// LENGTH bytes at START in the stream's spool segment SEGMENT are whole lines read at TS (the last one may lack its
// newline: a process's last words, or a line cut because it was too long). Indexing per range, not per line, and
// never copying the output, keeps ingestion nearly free for a unit that writes as fast as it can (issue 7).
import type { LogLine } from '../../contract/wire.js';

/** One of a unit's two output streams. */
export type Stream = LogLine['stream'];

const NL = 0x0a;
const FRAME = /^(\d{1,16}) ([oe]) (\d{1,9}) (\d{1,16}) (\d{1,12})$/;
const MAX_FRAME_BYTES = 80;

/** One frame of an index: where its lines are and when they were read. */
export interface Frame {
  ts: number;
  stream: Stream;
  segment: number;
  start: number;
  length: number;
}

/** The bytes of one frame in an index file. */
export function formatFrame(frame: Frame): Buffer {
  const { ts, stream, segment, start, length } = frame;
  return Buffer.from(`${Math.trunc(ts)} ${stream === 'stdout' ? 'o' : 'e'} ${segment} ${start} ${length}\n`, 'latin1');
}

/** The whole frames of an index buffer in order, and where the last of them ends (a torn or garbled tail is left out). */
export function parseFrames(buffer: Buffer): { frames: Frame[]; end: number } {
  const frames: Frame[] = [];
  let position = 0;
  for (;;) {
    const newline = buffer.subarray(position, position + MAX_FRAME_BYTES).indexOf(NL);
    if (newline < 0) return { frames, end: position };
    const match = FRAME.exec(buffer.toString('latin1', position, position + newline));
    if (!match || Number(match[5]) === 0) return { frames, end: position };
    frames.push({
      ts: Number(match[1]),
      stream: match[2] === 'o' ? 'stdout' : 'stderr',
      segment: Number(match[3]),
      start: Number(match[4]),
      length: Number(match[5]),
    });
    position += newline + 1;
  }
}

/** Appends the lines of a frame's bytes to `out`; a last line without a newline counts as a line. */
export function frameLines(content: Buffer, frame: Pick<Frame, 'ts' | 'stream'>, out: LogLine[]): void {
  for (let position = 0; position < content.length; ) {
    let newline = content.indexOf(NL, position);
    if (newline < 0) newline = content.length;
    out.push({ ts: frame.ts, stream: frame.stream, text: content.toString('utf8', position, newline) });
    position = newline + 1;
  }
}

/** How many lines a frame's bytes hold (a last line without a newline counts). */
export function countLines(content: Buffer): number {
  let count = 0;
  for (let position = content.indexOf(NL); position >= 0; position = content.indexOf(NL, position + 1)) count++;
  return content.length > 0 && content[content.length - 1] !== NL ? count + 1 : count;
}

/**
 * How much of a spool's new bytes to index now, given the last `tail` of them (`tail` ends where the new bytes end,
 * `pending` of them in all): up to and including the last newline, keeping a partial last line in the spool for
 * later. All of it when the writer is done (`final`: a process's last words without a trailing newline), or when
 * at least `maxLine` bytes hold no newline (a longer line is cut, so one line cannot stall ingestion). 0 means wait
 * for the rest of the line; undefined means the last newline is further back than `tail` reaches (look further).
 */
export function indexable(tail: Buffer, pending: number, final: boolean, maxLine: number): number | undefined {
  if (pending === 0) return 0;
  if (final) return pending;
  const lastNewline = tail.lastIndexOf(NL);
  if (lastNewline >= 0) return pending - tail.length + lastNewline + 1;
  if (tail.length >= maxLine) return pending;
  if (tail.length === pending) return pending >= maxLine ? pending : 0;
  return undefined;
}
