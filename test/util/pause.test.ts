import { describe, expect, it } from 'vitest';
import { pause } from '../../src/util/pause.js';

describe('pause', () => {
  it('resolves true when the time passed', async () => {
    expect(await pause(1, new AbortController().signal)).toBe(true);
  });

  it('resolves false at once on an abort, and for a signal already aborted', async () => {
    const controller = new AbortController();
    const waiting = pause(60_000, controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
    expect(await pause(60_000, controller.signal)).toBe(false);
  });
});
