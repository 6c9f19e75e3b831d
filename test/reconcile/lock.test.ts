import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockBusyError } from '../../src/reconcile/lock.js';
import { tempDir } from '../helpers/tmp.js';

describe('apply lock', () => {
  it('is exclusive: a second taker waits until the first releases', async () => {
    const path = join(tempDir(), 'apply.lock');
    const release = await acquireLock(path);
    const waits: number[] = [];
    let acquired = false;
    const second = acquireLock(path, { onWait: (owner) => waits.push(owner.pid), pollMs: 10 }).then((r) => {
      acquired = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acquired).toBe(false);
    await release();
    const releaseSecond = await second;
    expect(waits).toEqual([process.pid]);
    await releaseSecond();
    expect(existsSync(path)).toBe(false);
  });

  it('reports a busy lock clearly when waiting runs out', async () => {
    const path = join(tempDir(), 'apply.lock');
    const release = await acquireLock(path);
    await expect(acquireLock(path, { timeoutMs: 30, pollMs: 10 })).rejects.toThrow(LockBusyError);
    await expect(acquireLock(path, { timeoutMs: 0 })).rejects.toThrow(`another apply is running (pid ${process.pid}`);
    await release();
  });

  it('takes over a stale lock left by a dead process', async () => {
    const path = join(tempDir(), 'apply.lock');
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid ?? 0;
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(path, JSON.stringify({ pid: deadPid, since: '2026-01-01T00:00:00.000Z' }));
    const release = await acquireLock(path, { timeoutMs: 0 });
    await release();
  });

  it('takes over an empty lock file (its writer died before writing)', async () => {
    const path = join(tempDir(), 'apply.lock');
    writeFileSync(path, '');
    const release = await acquireLock(path, { timeoutMs: 0 });
    await release();
  });
});
