// RemovalHold: a reload that removes units runs only once its files have stayed unchanged for the hold.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RemovalHold } from '../../src/reconcile/removal-hold.js';
import { tempDir } from '../helpers/tmp.js';

const holds: RemovalHold[] = [];
afterEach(() => {
  for (const hold of holds.splice(0)) hold.clear();
});

function setUp(holdMs: number, retry: () => void = () => {}) {
  const file = join(tempDir(), 'compute.yaml');
  writeFileSync(file, 'services:\n');
  let now = 1_000_000;
  const hold = new RemovalHold(retry, holdMs, () => now);
  holds.push(hold);
  return { file, hold, advance: (ms: number) => (now += ms) };
}

describe('RemovalHold', () => {
  it('holds until the files have been unchanged for the whole hold, starting again at each change', async () => {
    const { file, hold, advance } = setUp(10_000);
    expect(await hold.ready([file])).toBe(false);
    advance(9_999);
    expect(await hold.ready([file])).toBe(false);
    appendFileSync(file, '  a: { cmd: x }\n');
    advance(5_000);
    expect(await hold.ready([file])).toBe(false);
    advance(9_999);
    expect(await hold.ready([file])).toBe(false);
    advance(1);
    expect(await hold.ready([file])).toBe(true);
    // Once applied, the next removal waits its own hold.
    expect(await hold.ready([file])).toBe(false);
  });

  it('asks for a reload again when the hold is up', async () => {
    let retried: () => void = () => {};
    const called = new Promise<void>((resolve) => (retried = resolve));
    const file = join(tempDir(), 'compute.yaml');
    writeFileSync(file, 'services:\n');
    const hold = new RemovalHold(() => retried(), 20);
    holds.push(hold);
    expect(await hold.ready([file])).toBe(false);
    await called;
    expect(await hold.ready([file])).toBe(true);
  });
});
