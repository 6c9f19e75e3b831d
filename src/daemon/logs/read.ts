// Reading a unit's log: the frames of its index files (the rotated one, then the current one), filtered by stream,
// the last N lines, with each frame's lines read from the spool segment it points into.
import { open, readFile } from 'node:fs/promises';
import type { LogLine, LogQuery } from '../../contract/wire.js';
import { countLines, frameLines, parseFrames, type Frame, type Stream } from './frame.js';

/** Where a stream's spool segment is. */
export type SegmentPath = (stream: Stream, segment: number) => string;

/** The lines of the index files `paths` (oldest first) that `query` asks for; missing files hold none. */
export async function readLogFiles(paths: string[], segmentAt: SegmentPath, query: LogQuery): Promise<LogLine[]> {
  const wanted = query.tail === undefined ? Infinity : Math.max(0, Math.floor(query.tail));
  const parts: LogLine[][] = [];
  let found = 0;
  // Newest file first, so that a tail satisfied by the current file never reads the rotated one.
  for (const path of [...paths].reverse()) {
    if (found >= wanted) break;
    const buffer = await readIfExists(path);
    if (!buffer) continue;
    const frames = parseFrames(buffer).frames.filter((frame) => query.stream === 'combined' || frame.stream === query.stream);
    const lines = await selectLines(frames, new SpanReader(frames, segmentAt), wanted - found);
    parts.unshift(lines);
    found += lines.length;
  }
  return parts.flat();
}

/** Where the bytes of frames come from: one read per spool segment for all the frames of a file. */
export interface FrameContent {
  of(frame: Frame): Promise<Buffer | undefined>;
}

/** The last `limit` lines of `frames`, in order; a frame whose segment is gone holds none. */
export async function selectLines(frames: Frame[], content: FrameContent, limit: number): Promise<LogLine[]> {
  const picked: Array<[Frame, Buffer]> = [];
  // Count lines from the end without decoding them, so a tail of a large log decodes only the lines it returns.
  let count = 0;
  for (let index = frames.length - 1; index >= 0 && count < limit; index--) {
    const frame = frames[index]!;
    const bytes = await content.of(frame);
    if (!bytes) continue;
    picked.push([frame, bytes]);
    if (limit !== Infinity) count += countLines(bytes);
  }
  const lines: LogLine[] = [];
  for (const [frame, bytes] of picked.reverse()) frameLines(bytes, frame, lines);
  return lines.length > limit ? lines.slice(lines.length - limit) : lines;
}

/** Reads, on first use, the span of a segment that a file's frames point into, and hands out each frame's part. */
class SpanReader implements FrameContent {
  private readonly spans = new Map<string, { start: number; end: number; bytes?: Promise<Buffer | undefined> }>();

  constructor(
    frames: Frame[],
    private readonly segmentAt: SegmentPath,
  ) {
    for (const frame of frames) {
      const key = `${frame.stream} ${frame.segment}`;
      const span = this.spans.get(key);
      const end = frame.start + frame.length;
      if (!span) this.spans.set(key, { start: frame.start, end });
      else {
        span.start = Math.min(span.start, frame.start);
        span.end = Math.max(span.end, end);
      }
    }
  }

  async of(frame: Frame): Promise<Buffer | undefined> {
    const span = this.spans.get(`${frame.stream} ${frame.segment}`)!;
    span.bytes ??= readRange(this.segmentAt(frame.stream, frame.segment), span.start, span.end);
    const bytes = await span.bytes;
    const from = frame.start - span.start;
    // A segment deleted, or shorter than the index says (replaced by hand): its frames hold no lines.
    if (!bytes || bytes.length < from + frame.length) return undefined;
    return bytes.subarray(from, from + frame.length);
  }
}

async function readRange(path: string, start: number, end: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const buffer = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
