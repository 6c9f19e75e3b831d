// The structured log format and where spool chunks are cut: pure functions, table tests.
import { describe, expect, it } from 'vitest';
import { countLines, frameHeader, frameLines, ingestible, parseFrames } from '../../../src/daemon/logs/frame.js';
import { selectLines } from '../../../src/daemon/logs/read.js';
import type { LogLine } from '../../../src/daemon/supervisor-api.js';

/** A structured log buffer of frames given as [ts, stream, lines]. */
function log(...frames: Array<[number, 'stdout' | 'stderr', string]>): Buffer {
  return Buffer.concat(frames.flatMap(([ts, stream, text]) => [frameHeader(ts, stream, Buffer.byteLength(text)), Buffer.from(text)]));
}

describe('ingestible', () => {
  const cases: Array<[string, string, boolean, boolean, number, boolean]> = [
    // name, chunk, full, final, take, addNewline
    ['empty', '', false, false, 0, false],
    ['whole lines', 'a\nb\n', false, false, 4, false],
    ['keeps a partial last line', 'a\nb', false, false, 2, false],
    ['waits for a line without newline', 'abc', false, false, 0, false],
    ['cuts a line longer than a chunk', 'abcd', true, false, 4, true],
    ['a full chunk with a newline keeps its tail', 'ab\ncd', true, false, 3, false],
    ['final takes a last line without newline', 'a\nb', false, true, 3, true],
    ['final takes whole lines as they are', 'a\nb\n', false, true, 4, false],
    ['final but full still cuts at the newline', 'a\nb', true, true, 2, false],
  ];
  it.each(cases)('%s', (_name, chunk, full, final, take, addNewline) => {
    expect(ingestible(Buffer.from(chunk), full, final)).toEqual({ take, addNewline });
  });
});

describe('parseFrames', () => {
  it('reads frames back with their stream, time and lines', () => {
    const buffer = log([1000, 'stdout', 'a\nb\n'], [1001, 'stderr', 'c\n']);
    const { frames, end } = parseFrames(buffer);
    expect(end).toBe(buffer.length);
    const lines: LogLine[] = [];
    for (const frame of frames) frameLines(buffer, frame, lines);
    expect(lines).toEqual([
      { ts: 1000, stream: 'stdout', text: 'a' },
      { ts: 1000, stream: 'stdout', text: 'b' },
      { ts: 1001, stream: 'stderr', text: 'c' },
    ]);
    expect(frames.map((frame) => countLines(buffer, frame))).toEqual([2, 1]);
  });

  it('stops before a torn last frame', () => {
    const whole = log([1, 'stdout', 'a\n']);
    const torn = Buffer.concat([whole, log([2, 'stdout', 'bbbb\n']).subarray(0, 10)]);
    const { frames, end } = parseFrames(torn);
    expect(frames).toHaveLength(1);
    expect(end).toBe(whole.length);
  });

  it('stops at garbage instead of throwing', () => {
    expect(parseFrames(Buffer.from('not a frame\nat all')).end).toBe(0);
    expect(parseFrames(Buffer.from('12 x 3\nab\n')).frames).toEqual([]);
  });

  it('keeps bytes that are not UTF-8 or contain frame-like text inside lines', () => {
    const buffer = log([5, 'stdout', '7 o 2\n\u00e9t\u00e9\n']);
    const lines: LogLine[] = [];
    for (const frame of parseFrames(buffer).frames) frameLines(buffer, frame, lines);
    expect(lines.map((line) => line.text)).toEqual(['7 o 2', '\u00e9t\u00e9']);
  });
});

describe('selectLines', () => {
  const buffer = log([1, 'stdout', 'o1\no2\n'], [2, 'stderr', 'e1\n'], [3, 'stdout', 'o3\n'], [4, 'stderr', 'e2\ne3\n']);
  const texts = (stream: 'combined' | 'stdout' | 'stderr', limit: number) =>
    selectLines(buffer, stream, limit).map((line) => line.text);

  it('interleaves the streams in frame order, or filters one', () => {
    expect(texts('combined', Infinity)).toEqual(['o1', 'o2', 'e1', 'o3', 'e2', 'e3']);
    expect(texts('stdout', Infinity)).toEqual(['o1', 'o2', 'o3']);
    expect(texts('stderr', Infinity)).toEqual(['e1', 'e2', 'e3']);
  });

  it('tails after filtering, cutting inside a frame', () => {
    expect(texts('combined', 3)).toEqual(['o3', 'e2', 'e3']);
    expect(texts('stdout', 2)).toEqual(['o2', 'o3']);
    expect(texts('stderr', 1)).toEqual(['e3']);
    expect(texts('combined', 0)).toEqual([]);
    expect(texts('combined', 100)).toHaveLength(6);
  });
});
