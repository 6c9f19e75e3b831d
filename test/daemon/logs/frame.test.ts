// The log index format, where new spool bytes are cut into frames, and picking lines: pure functions, table tests.
import { describe, expect, it } from 'vitest';
import { countLines, formatFrame, frameLines, indexable, parseFrames, type Frame } from '../../../src/daemon/logs/frame.js';
import { selectLines } from '../../../src/daemon/logs/read.js';
import type { LogLine } from '../../../src/contract/wire.js';

const frame = (ts: number, stream: 'stdout' | 'stderr', segment: number, start: number, length: number): Frame => ({
  ts,
  stream,
  segment,
  start,
  length,
});

describe('indexable', () => {
  const cases: Array<[string, string, number, boolean, number | undefined]> = [
    // name, tail, pending, final, length (maxLine 8)
    ['nothing new', '', 0, false, 0],
    ['whole lines', 'a\nb\n', 4, false, 4],
    ['keeps a partial last line', 'a\nb', 3, false, 2],
    ['waits for a line without newline', 'abc', 3, false, 0],
    ['cuts a line as long as maxLine', 'abcdefgh', 8, false, 8],
    ['cuts when the tail read is maxLine without a newline', 'abcdefgh', 20, false, 20],
    ['finds the newline in a tail of more new bytes', 'x\nyz', 10, false, 8],
    ['asks for more when the tail is short and has no newline', 'yz', 10, false, undefined],
    ['final takes a last line without newline', '', 3, true, 3],
    ['final takes whole lines as they are', '', 4, true, 4],
  ];
  it.each(cases)('%s', (_name, tail, pending, final, length) => {
    expect(indexable(Buffer.from(tail), pending, final, 8)).toBe(length);
  });
});

describe('parseFrames', () => {
  it('reads frames back as they were written', () => {
    const frames = [frame(1000, 'stdout', 0, 0, 4), frame(1001, 'stderr', 3, 123456789012, 2)];
    const buffer = Buffer.concat(frames.map(formatFrame));
    expect(parseFrames(buffer)).toEqual({ frames, end: buffer.length });
  });

  it('stops before a torn last frame', () => {
    const whole = formatFrame(frame(1, 'stdout', 0, 0, 2));
    const torn = Buffer.concat([whole, formatFrame(frame(2, 'stdout', 0, 2, 5)).subarray(0, 8)]);
    const { frames, end } = parseFrames(torn);
    expect(frames).toHaveLength(1);
    expect(end).toBe(whole.length);
  });

  it('stops at garbage or an empty frame instead of throwing', () => {
    expect(parseFrames(Buffer.from('not a frame\nat all')).end).toBe(0);
    expect(parseFrames(Buffer.from('12 x 0 0 3\n')).frames).toEqual([]);
    expect(parseFrames(Buffer.from('12 o 0 0 0\n')).frames).toEqual([]);
    // The format of the store before the index (a header, then the lines): not taken for frames.
    expect(parseFrames(Buffer.from('1700000000000 o 2\na\n')).frames).toEqual([]);
  });
});

describe('frameLines and countLines', () => {
  const cases: Array<[string, string, string[]]> = [
    ['whole lines', 'a\nb\n', ['a', 'b']],
    ['a last line without newline', 'a\nb', ['a', 'b']],
    ['an empty line', '\n', ['']],
    ['UTF-8 and frame-like text', '7 o 0 0 2\n\u00e9t\u00e9\n', ['7 o 0 0 2', '\u00e9t\u00e9']],
  ];
  it.each(cases)('%s', (_name, content, texts) => {
    const lines: LogLine[] = [];
    frameLines(Buffer.from(content), { ts: 5, stream: 'stderr' }, lines);
    expect(lines).toEqual(texts.map((text) => ({ ts: 5, stream: 'stderr', text })));
    expect(countLines(Buffer.from(content))).toBe(texts.length);
  });
});

describe('selectLines', () => {
  const content: Record<string, string> = { '1': 'o1\no2\n', '2': 'e1\n', '3': 'o3\n', '4': 'e2\ne3\n', '5': 'gone\n' };
  const frames = [frame(1, 'stdout', 0, 0, 6), frame(2, 'stderr', 0, 0, 3), frame(3, 'stdout', 0, 6, 3), frame(4, 'stderr', 0, 3, 6)];
  const source = { of: async (f: Frame) => (f.ts === 5 ? undefined : Buffer.from(content[String(f.ts)]!)) };
  const texts = async (stream: 'combined' | 'stdout' | 'stderr', limit: number, extra: Frame[] = []) => {
    const picked = [...frames, ...extra].filter((f) => stream === 'combined' || f.stream === stream);
    return (await selectLines(picked, source, limit)).map((line) => line.text);
  };

  it('interleaves the streams in frame order, or filters one', async () => {
    expect(await texts('combined', Infinity)).toEqual(['o1', 'o2', 'e1', 'o3', 'e2', 'e3']);
    expect(await texts('stdout', Infinity)).toEqual(['o1', 'o2', 'o3']);
    expect(await texts('stderr', Infinity)).toEqual(['e1', 'e2', 'e3']);
  });

  it('tails after filtering, cutting inside a frame', async () => {
    expect(await texts('combined', 3)).toEqual(['o3', 'e2', 'e3']);
    expect(await texts('stdout', 2)).toEqual(['o2', 'o3']);
    expect(await texts('stderr', 1)).toEqual(['e3']);
    expect(await texts('combined', 0)).toEqual([]);
    expect(await texts('combined', 100)).toHaveLength(6);
  });

  it('skips the frames of a segment that is gone', async () => {
    expect(await texts('stdout', Infinity, [frame(5, 'stdout', 1, 0, 5)])).toEqual(['o1', 'o2', 'o3']);
  });
});
