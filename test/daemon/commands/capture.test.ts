// The bounded output capture of a command's stream.
import { describe, expect, it } from 'vitest';
import { OutputCapture } from '../../../src/daemon/commands/capture.js';

describe('OutputCapture', () => {
  it('keeps everything up to the limit', () => {
    const capture = new OutputCapture(10);
    capture.push(Buffer.from('hello '));
    capture.push(Buffer.from('you'));
    expect(capture.text()).toBe('hello you');
    expect(capture.size).toBe(9);
    expect(capture.truncated).toBe(false);
  });

  it('keeps the first bytes, cutting the chunk that crosses the limit, and drops the rest', () => {
    const capture = new OutputCapture(8);
    capture.push(Buffer.from('12345'));
    capture.push(Buffer.from('67890'));
    capture.push(Buffer.from('more'));
    expect(capture.text()).toBe('12345678');
    expect(capture.size).toBe(8);
    expect(capture.truncated).toBe(true);
  });

  it('turns a character cut at the limit into U+FFFD instead of failing', () => {
    const capture = new OutputCapture(2);
    capture.push(Buffer.from('aé'));
    expect(capture.text()).toBe('a\uFFFD');
  });
});
