// A full disk under the log store, for real: the state folder's logs on a 2 MiB tmpfs that the test fills (root only).
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon/main.js';
import { connect, type SandboxClient } from '../../../src/sdk/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { CHATTY } from './helpers.js';

const isRoot = process.getuid?.() === 0;
// CI runs as root and must run this; elsewhere, without root (mount needs it), it is skipped with a note.
const runs = isRoot || process.env.CI === 'true';
if (!runs) console.warn('disk-full.test.ts skipped: mounting a tmpfs needs root (CI=true runs it as root)');

const cleanups: Array<() => Promise<void> | void> = [];

// Registered after tmp.ts's hook, so it runs before it (vitest runs after-hooks last-registered first): the daemon
// stops and the tmpfs is unmounted before the temp folder is removed.
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Writes zeros into `path` until the file system is full; returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let total = 0;
  try {
    for (;;) total += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return total;
}

async function texts(sdk: SandboxClient, unit: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of sdk.unitLogs(unit, { stream: 'combined' })) lines.push(line.text);
  return lines;
}

describe.runIf(runs)('log store on a full disk', () => {
  it('pauses indexing, reports it, keeps supervising, and resumes with a marker once there is room', async () => {
    const base = tempDir('compute-full-');
    const stateDir = join(base, 'state');
    const logs = join(stateDir, 'logs');
    mkdirSync(logs, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', logs]);
    cleanups.push(() => void execFileSync('umount', [logs]));
    const daemon: RunningDaemon = await startDaemon({ root: join(base, 'root'), stateDir });
    cleanups.push(() => daemon.close());
    const sdk = connect({ socketPath: daemon.socketPath });
    cleanups.push(() => sdk.close());

    // 50 KB/s: a few ms after the disk is full, the writer's own writes fail too; the 2 MiB last it ~40 s once freed.
    const failedFlag = join(base, 'writer-failed');
    await sdk.services.upsert('writer', { cmd: process.execPath, args: [CHATTY, 'persist', '10', '512'], env: { CHATTY_FAILED: failedFlag } });
    await sdk.services.start('writer');
    await waitFor(async () => (await texts(sdk, 'writer')).some((text) => text.startsWith('tick 3 ')), { what: 'the first ticks' });
    const { pid } = await sdk.services.get('writer');
    expect(pid).toBeGreaterThan(0);

    const filler = join(logs, 'filler');
    fill(filler);
    const health = await waitFor(async () => {
      const reply = await sdk.health();
      return reply.logs_disk_full?.includes('writer') ? reply : undefined;
    }, { what: 'the disk-full flag in GET /health' });
    expect(health.status).toBe('ok');
    // Still supervising: the same process runs, and the daemon answers.
    expect((await sdk.services.get('writer')).pid).toBe(pid);
    expect((await sdk.services.get('writer')).status).toBe('running');

    await waitFor(() => existsSync(failedFlag), { what: 'a write of the unit failing' });
    rmSync(filler);
    const lines = await waitFor(async () => {
      const all = await texts(sdk, 'writer');
      const marker = all.findIndex((text) => /^compute: output may be missing here \(not kept: disk full for [\d.]+ s\)$/.test(text));
      return marker >= 0 && all.slice(marker).some((text) => / writes failed$/.test(text)) ? all : undefined;
    }, { what: 'the marker, then the writer noting its failed writes' });
    expect(lines.filter((text) => text.startsWith('compute:'))).toHaveLength(1);
    // Nothing the spools held is lost: the ticks missing are exactly the writes the writer saw fail (a torn one is there).
    const ticks = lines.filter((text) => text.startsWith('tick ')).map((text) => Number(text.split(' ')[1]));
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
    const failed = lines.map((text) => Number(/^(\d+) writes failed$/.exec(text)?.[1] ?? 0)).reduce((sum, k) => sum + k, 0);
    expect(ticks.at(-1)! - ticks[0]! + 1 - ticks.length).toBe(failed);
    expect((await sdk.health()).logs_disk_full).toBeUndefined();
    console.log(`disk full: the writer lost ${failed} lines; log holds ${ticks.length} ticks, 1 marker: ${lines.find((t) => t.startsWith('compute:'))}`);
    expect((await sdk.services.get('writer')).pid).toBe(pid);
  });
});
