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
  ])('%s → %s', (_name, facts, expected) => {
    expect(shouldRestart({ ...base, ...facts })).toBe(expected);
  });
});

describe('backoff', () => {
  const noJitter = () => 0.5; // 1 + (0.5 × 2 − 1) × 0.1 = 1

  it.each([
    [0, 1000, 1000],
    [1, 1000, 2000],
    [2, 1000, 4000],
    [4, 1000, 16_000],
    [5, 1000, 30_000],
    [50, 1000, 30_000],
    [3, 0, 0],
    [0, 100, 100],
  ])('attempt %i with base %i ms → %i ms', (attempt, baseMs, expected) => {
    expect(backoff(attempt, baseMs, noJitter)).toBe(expected);
  });

  it.each([
    [0, 900],
    [0.999_999, 1100],
  ])('jitter stays within ±10 %% (random %f → %i)', (r, expected) => {
    expect(backoff(0, 1000, () => r)).toBe(expected);
  });
});

describe('nextAttempt', () => {
  it.each([
    [-1, 10, 0],
    [0, 10, 1],
    [4, 59_999, 5],
    [4, 60_000, 0],
    [7, 3_600_000, 0],
  ])('after attempt %i, up %i ms → attempt %i', (previous, upForMs, expected) => {
    expect(nextAttempt(previous, upForMs)).toBe(expected);
  });
});
