// Reading a unit's structured log files: the rotated one, then the current one, filtered by stream, the last N lines.
import { readFile } from 'node:fs/promises';
import type { LogLine, LogQuery } from '../supervisor-api.js';
import { countLines, frameLines, parseFrames, type Frame } from './frame.js';

/** The lines of the structured log files `paths` (oldest first) that `query` asks for; missing files hold none. */
export async function readLogFiles(paths: string[], query: LogQuery): Promise<LogLine[]> {
  const wanted = query.tail === undefined ? Infinity : Math.max(0, Math.floor(query.tail));
  const parts: LogLine[][] = [];
  let found = 0;
  // Newest file first, so that a tail satisfied by the current file never reads the rotated one.
  for (const path of [...paths].reverse()) {
    if (found >= wanted) break;
    const buffer = await readIfExists(path);
    if (!buffer) continue;
    const lines = selectLines(buffer, query.stream, wanted - found);
    parts.unshift(lines);
    found += lines.length;
  }
  return parts.flat();
}

/** The last `limit` lines of one structured log buffer from `stream` ('combined' = both), in order. */
export function selectLines(buffer: Buffer, stream: LogQuery['stream'], limit: number): LogLine[] {
  const { frames } = parseFrames(buffer);
  const matching = stream === 'combined' ? frames : frames.filter((frame) => frame.stream === stream);
  const picked: Frame[] = [];
  // Count lines from the end without decoding them, so a tail of a large log decodes only the lines it returns.
  let count = 0;
  for (let index = matching.length - 1; index >= 0 && count < limit; index--) {
    const frame = matching[index]!;
    picked.push(frame);
    if (limit !== Infinity) count += countLines(buffer, frame);
  }
  const lines: LogLine[] = [];
  for (const frame of picked.reverse()) frameLines(buffer, frame, lines);
  return lines.length > limit ? lines.slice(lines.length - limit) : lines;
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
