// The spool waker: watched while quiet, polled while busy, back to watched when quiet again; polled when unwatchable.
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolWaker, WAKE_DEFAULTS } from '../../../src/daemon/logs/wake.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const wakers: SpoolWaker[] = [];
afterEach(() => {
  for (const waker of wakers.splice(0)) waker.close();
});

function wakerOn(path: string, size: () => number, settings = WAKE_DEFAULTS) {
  const woken = { count: 0, errors: [] as unknown[] };
  const waker = new SpoolWaker(path, size, () => woken.count++, settings, (error) => woken.errors.push(error));
  wakers.push(waker);
  return { waker, woken };
}

describe('SpoolWaker', () => {
  it('wakes on a small write while staying watched', async () => {
    const path = join(tempDir(), 'u.stdout.0');
    writeFileSync(path, '');
    const { waker, woken } = wakerOn(path, () => statSync(path).size);
    expect(waker.watching).toBe(true);
    appendFileSync(path, 'a line\n');
    await waitFor(() => woken.count >= 1, { what: 'a wake' });
    expect(waker.watching).toBe(true);
  });

  it('polls a busy file without a watch, and watches it again once a poll finds it unchanged', async () => {
    const path = join(tempDir(), 'u.stdout.0');
    writeFileSync(path, '');
    const { waker, woken } = wakerOn(path, () => statSync(path).size, { ...WAKE_DEFAULTS, busyBytes: 1024, pollMs: 500 });
    appendFileSync(path, 'x'.repeat(4096));
    await waitFor(() => !waker.watching, { what: 'polling' });
    const before = woken.count;
    // Written while polled: no event comes, the next poll wakes ingestion.
    appendFileSync(path, 'more\n');
    await waitFor(() => woken.count > before, { what: 'a wake from a poll' });
    await waitFor(() => waker.watching, { what: 'the watch armed again' });
    const quiet = woken.count;
    appendFileSync(path, 'later\n');
    await waitFor(() => woken.count > quiet, { what: 'a wake from the watch' });
  });

  it('polls a file it cannot watch, reporting why', async () => {
    let size = 0;
    const missing = join(tempDir(), 'gone', 'u.stdout.0');
    const { waker, woken } = wakerOn(missing, () => size, { ...WAKE_DEFAULTS, unwatchedPollMs: 20 });
    expect(waker.watching).toBe(false);
    expect(woken.errors.length).toBeGreaterThan(0);
    size = 10;
    await waitFor(() => woken.count >= 1, { what: 'a wake from the slow poll' });
  });
});
