import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../src/daemon/overlays/limit.js';

describe('createLimiter', () => {
  it('never runs more than max tasks at once, and runs them all', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        limit(async () => {
          running += 1;
          peak = Math.max(peak, running);
          // Yield a varying number of turns so tasks finish out of order.
          for (let turn = 0; turn < i % 5; turn += 1) await Promise.resolve();
          await new Promise((resolve) => setImmediate(resolve));
          running -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('frees the slot of a task that throws', async () => {
    const limit = createLimiter(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });
});
