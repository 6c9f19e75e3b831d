// The flapping guard, on an injected clock.
import { describe, expect, it } from 'vitest';
import { FlapGuard } from '../../src/reconcile/flap.js';

describe('FlapGuard', () => {
  it('stops a path that caused a restart five times in a row, each within 5 s of the one before', () => {
    let now = 0;
    const guard = new FlapGuard({ now: () => now });
    for (let i = 0; i < 4; i++, now += 1500) expect(guard.restartedFor(['app:dist/out.js'])).toEqual([]);
    expect(guard.restartedFor(['app:dist/out.js', 'app:api.mjs'])).toEqual(['app:dist/out.js']);
    expect(guard.isStopped('app:dist/out.js')).toBe(true);
    expect(guard.isStopped('app:api.mjs')).toBe(false);
    expect(guard.stoppedPaths()).toEqual(['app:dist/out.js']);
    // Once stopped, it is not reported again.
    expect(guard.restartedFor(['app:dist/out.js'])).toEqual([]);
  });

  it('starts the count again after a pause, so a person saving now and then never trips it', () => {
    let now = 0;
    const guard = new FlapGuard({ now: () => now, limit: 3, gapMs: 1000 });
    for (let i = 0; i < 10; i++, now += 1001) expect(guard.restartedFor(['app:api.mjs'])).toEqual([]);
    // Three in a row, each soon after the last (the first of them after a pause): that is a loop.
    now += 5000;
    expect(guard.restartedFor(['app:api.mjs'])).toEqual([]);
    now += 10;
    expect(guard.restartedFor(['app:api.mjs'])).toEqual([]);
    now += 10;
    expect(guard.restartedFor(['app:api.mjs'])).toEqual(['app:api.mjs']);
  });
});
