// PersistedFile, the one way the daemon saves a state file: coalesced, atomic, 0600, failures reported and retried.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAtomic } from '../../src/contract/persist.js';
import type { DaemonProblem } from '../../src/contract/wire.js';
import { PersistedFile, retryDelay } from '../../src/daemon/persist.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

// A write that records each call and fails while `failing` is set, as a full disk does.
function recordingWrite(failing: { code?: string }) {
  const writes: string[] = [];
  const write = async (path: string, content: string) => {
    if (failing.code) throw Object.assign(new Error(`${failing.code}: no space left on device, write`), { code: failing.code });
    writes.push(content);
    await writeAtomic(path, content);
  };
  return { writes, write };
}

describe('retryDelay', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [6, 3200],
    [7, 5000],
    [500, 5000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(retryDelay(failures, 100, 5000)).toBe(ms);
  });
});

describe('PersistedFile', () => {
  it('writes many saves of one turn once, with the last content, mode 0600 and no temp file left', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    const { writes, write } = recordingWrite({});
    const file = new PersistedFile(path, { write });
    for (let i = 0; i < 50; i += 1) file.save(() => `v${i}`);
    await file.settled();
    expect(writes).toEqual(['v49']);
    expect(readFileSync(path, 'utf8')).toBe('v49');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('follows a save made during a write with exactly one more write, of the newest content', async () => {
    const path = join(tempDir(), 'state.json');
    const writes: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const file = new PersistedFile(path, {
      write: async (target, content) => {
        writes.push(content);
        if (writes.length === 1) await gate;
        await writeAtomic(target, content);
      },
    });
    file.save(() => 'first');
    await waitFor(() => writes.length === 1, { what: 'the first write to begin' });
    file.save(() => 'second');
    file.save(() => 'third');
    release();
    await file.settled();
    expect(writes).toEqual(['first', 'third']);
    expect(readFileSync(path, 'utf8')).toBe('third');
  });

  it('reports a failing write once, retries with backoff, and catches up with the latest state when it succeeds', async () => {
    const path = join(tempDir(), 'state.json');
    const failing: { code?: string } = { code: 'ENOSPC' };
    const { writes, write } = recordingWrite(failing);
    const reports: Array<DaemonProblem | undefined> = [];
    const file = new PersistedFile(path, { write, firstRetryMs: 5, maxRetryMs: 20, onProblem: (problem) => reports.push(problem && { ...problem }) });
    file.save(() => 'one');
    // A caller does not wait for space: settled() resolves as soon as the attempt has failed.
    await file.settled();
    expect(file.problem).toMatchObject({ kind: 'state-write', path, code: 'ENOSPC', attempts: 1 });
    file.save(() => 'two');
    await waitFor(() => (file.problem?.attempts ?? 0) >= 4, { what: 'three retries' });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ code: 'ENOSPC', attempts: 1 });

    failing.code = 'EIO';
    await waitFor(() => file.problem?.code === 'EIO', { what: 'a retry failing with EIO' });
    expect(reports.map((report) => report?.code)).toEqual(['ENOSPC', 'EIO']);

    delete failing.code;
    await waitFor(() => reports.length === 3, { what: 'the recovery to be reported' });
    expect(reports[2]).toBeUndefined();
    expect(file.problem).toBeUndefined();
    expect(writes).toEqual(['two']);
    expect(readFileSync(path, 'utf8')).toBe('two');
  });

  it('stops retrying once closed, after one last attempt', async () => {
    const path = join(tempDir(), 'state.json');
    const failing: { code?: string } = { code: 'ENOSPC' };
    let attempts = 0;
    const { write } = recordingWrite(failing);
    const file = new PersistedFile(path, {
      firstRetryMs: 60_000,
      write: (target, content) => {
        attempts += 1;
        return write(target, content);
      },
    });
    file.save(() => 'pending');
    await file.settled();
    expect(attempts).toBe(1);
    // The retry waits a minute; close() makes the last attempt at once instead, and leaves no timer behind.
    delete failing.code;
    await file.close();
    expect(attempts).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('pending');
  });

  it('reports an error thrown while rendering like a failed write, never as an unhandled rejection', async () => {
    const path = join(tempDir(), 'state.json');
    const reports: Array<DaemonProblem | undefined> = [];
    const file = new PersistedFile(path, { onProblem: (problem) => reports.push(problem), firstRetryMs: 60_000 });
    file.save(() => {
      throw new Error('snapshot failed');
    });
    await file.settled();
    expect(reports).toMatchObject([{ code: 'EUNKNOWN', message: 'snapshot failed' }]);
    await file.close();
  });
});
