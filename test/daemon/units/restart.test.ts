import { describe, expect, it } from 'vitest';
import { backoff, nextAttempt, shouldRestart, type ExitFacts } from '../../../src/daemon/units/restart.js';

const base: ExitFacts = { policy: 'never', exitCode: 1, restartCount: 0, maxRestarts: 0, stopRequested: false };

describe('shouldRestart', () => {
  it.each<[string, Partial<ExitFacts>, boolean]>([
    ['never, failure', { policy: 'never', exitCode: 1 }, false],
    ['never, success', { policy: 'never', exitCode: 0 }, false],
    ['on-failure, failure', { policy: 'on-failure', exitCode: 2 }, true],
    ['on-failure, success', { policy: 'on-failure', exitCode: 0 }, false],
    ['on-failure, unknown exit (signal)', { policy: 'on-failure', exitCode: null }, true],
    ['always, success', { policy: 'always', exitCode: 0 }, true],
    ['always, failure', { policy: 'always', exitCode: 1 }, true],
    ['always, stopped by the user', { policy: 'always', exitCode: 0, stopRequested: true }, false],
    ['on-failure, stopped by the user', { policy: 'on-failure', exitCode: 137, stopRequested: true }, false],
    ['max 3, 2 done', { policy: 'always', restartCount: 2, maxRestarts: 3 }, true],
    ['max 3, 3 done', { policy: 'always', restartCount: 3, maxRestarts: 3 }, false],
    ['unlimited, 1000 done', { policy: 'on-failure', restartCount: 1000, maxRestarts: 0 }, true],
    ['on-failure, ended by its liveness check with exit 0', { policy: 'on-failure', exitCode: 0, unhealthy: true }, true],
    ['never, ended by its liveness check', { policy: 'never', exitCode: 143, unhealthy: true }, false],
    ['on-failure, liveness, max 2 reached', { policy: 'on-failure', exitCode: 143, unhealthy: true, restartCount: 2, maxRestarts: 2 }, false],
  ])('%s → %s', (_name, facts, expected) => {
    expect(shouldRestart({ ...base, ...facts })).toBe(expected);
  });
});

describe('backoff', () => {
  const noJitter = () => 0.5; // 1 + (0.5 × 2 − 1) × 0.2 = 1
  const policy = (baseMs: number, maxMs = 30_000) => ({ baseMs, maxMs });

  it.each([
    [0, 1000, 30_000, 1000],
    [1, 1000, 30_000, 2000],
    [2, 1000, 30_000, 4000],
    [4, 1000, 30_000, 16_000],
    [5, 1000, 30_000, 30_000],
    [50, 1000, 30_000, 30_000],
    [3, 1000, 5000, 5000],
    [0, 100, 30_000, 100],
    // Issue 13: restart_delay_ms 0 restarted 6,057 times a minute; now the first is at once, then 100 ms doubling.
    [0, 0, 30_000, 0],
    [1, 0, 30_000, 100],
    [2, 0, 30_000, 200],
    [20, 0, 30_000, 30_000],
    // A cap of 0 does not bring the spin back.
    [5, 0, 0, 100],
  ])('attempt %i with base %i ms, cap %i ms → %i ms', (attempt, baseMs, maxMs, expected) => {
    expect(backoff(attempt, policy(baseMs, maxMs), noJitter)).toBe(expected);
  });

  it.each([
    [0, 800],
    [0.999_999, 1200],
  ])('jitter stays within ±20 %% (random %f → %i)', (r, expected) => {
    expect(backoff(0, policy(1000), () => r)).toBe(expected);
  });
});

describe('nextAttempt', () => {
  it.each([
    [-1, 10, 0],
    [0, 10, 1],
    [4, 59_999, 5],
    [4, 60_000, 0],
    [7, 3_600_000, 0],
  ])('after attempt %i, up %i ms → attempt %i (reset after 60 s)', (previous, upForMs, expected) => {
    expect(nextAttempt(previous, upForMs, 60_000)).toBe(expected);
  });
});
