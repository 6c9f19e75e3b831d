// Nothing escapes a stop: children that call setsid, spawn detached, or daemonize (redis-server clears its environment
// too) are ended with their unit, by its cgroup where there is one; without cgroups, by the markers they still carry.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Log } from '../../../src/daemon/units/index.js';
import { cgroupOf, cgroupTestsRun, newMarker, processesWith, removeSandboxCgroups, sandboxCgroupDir, TRACKING_HIERARCHIES, useMountedCgroupV2 } from '../../helpers/cgroups.js';
import { isAlive } from '../../helpers/procs.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { harness, unit, waitForStatus } from './harness.js';

// A unit's shell that leaves its process group twice (setsid; a detached child of a node that exits), then stays.
function escapingCommand(marker: string): string {
  const detached = `require('child_process').spawn('sleep', ['1001.${marker}'], { detached: true, stdio: 'ignore' }).unref()`;
  return `setsid sleep 1000.${marker} & node -e "${detached}"; exec sleep 1002.${marker}`;
}

// The three sleeps of escapingCommand, once all have started (the node that spawns one carries the marker too).
function threeSleeps(marker: string) {
  return waitFor(
    () => {
      const sleeps = processesWith(marker).filter(({ command }) => command.startsWith('sleep '));
      return sleeps.length === 3 ? sleeps : undefined;
    },
    { what: 'three marked sleeps' },
  );
}

async function cgroupHarness() {
  const h = await harness();
  const dir = sandboxCgroupDir(h.stateDir);
  // After the harness's own clean-up (a shutdown that must have removed them): whatever is left fails the test.
  onTestFinished(async () => {
    const left = await removeSandboxCgroups(dir);
    expect(left, 'processes left in the sandbox cgroups').toEqual([]);
  });
  return { ...h, dir: dir as string };
}

const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

if (!cgroupTestsRun) console.warn('escape.test.ts: the cgroup tests are skipped: they need root (CI runs them as root)');

describe.skipIf(!cgroupTestsRun).each(TRACKING_HIERARCHIES)('stopping units tracked by cgroups: $name', ({ v2 }) => {
  if (v2) useMountedCgroupV2();
  it('ends a setsid child and a detached child with the unit, and removes its cgroup', async () => {
    const { supervisor, dir } = await cgroupHarness();
    const marker = newMarker();
    await supervisor.upsert([unit('escapes', { kind: 'service', command: escapingCommand(marker) })], new Set());
    await supervisor.start(['escapes']);
    await waitForStatus(supervisor, 'escapes', 'ready');
    const found = await threeSleeps(marker);
    for (const { pid } of found) expect(cgroupOf(pid)).toMatch(/\/compute\/[0-9a-f]{16}\/u-escapes$/);

    await supervisor.remove(['escapes']);
    expect(processesWith(marker)).toEqual([]);
    expect(existsSync(join(dir, 'u-escapes'))).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('ends what a unit left behind when its main process exits, and what its install step left', async () => {
    const { supervisor } = await cgroupHarness();
    const marker = newMarker();
    await supervisor.upsert([
      unit('job', { restartPolicy: 'never', command: `setsid sleep 1000.${marker} & exit 0` }),
      unit('installed', { kind: 'service', install: `setsid sleep 1003.${marker} &`, command: `exec sleep 1002.${marker}` }),
    ], new Set());
    await supervisor.start(['job', 'installed']);
    await waitForStatus(supervisor, 'job', 'completed');
    await waitForStatus(supervisor, 'installed', 'ready');
    expect(processesWith(`1000.${marker}`)).toEqual([]);
    expect(processesWith(`1003.${marker}`)).toEqual([]);
    expect(processesWith(`1002.${marker}`)).toHaveLength(1);
    await supervisor.stop(['installed']);
    expect(processesWith(marker)).toEqual([]);
  });

  it.skipIf(!hasRedis)('ends redis-server --daemonize yes, which leaves the group and clears its environment', async () => {
    const { supervisor } = await cgroupHarness();
    const work = tempDir('compute-redis-');
    const pidFile = join(work, 'redis.pid');
    const marker = newMarker();
    const redis = `redis-server --port 0 --unixsocket ${join(work, 'redis.sock')} --daemonize yes --pidfile ${pidFile} --dir ${work} --save "" --appendonly no`;
    await supervisor.upsert([unit('redis', { kind: 'service', command: `${redis} && exec sleep 1002.${marker}` })], new Set());
    await supervisor.start(['redis']);
    await waitForStatus(supervisor, 'redis', 'ready');
    const pid = await waitFor(() => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || undefined : undefined), { what: 'redis pidfile' });
    expect(isAlive(pid)).toBe(true);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toContain('COMPUTE_UNIT=');

    await supervisor.stop(['redis']);
    expect(isAlive(pid)).toBe(false);
    expect(processesWith(marker)).toEqual([]);
  });
});

describe('stopping units without cgroups', () => {
  it('ends children that left the group but kept the markers, and warns once naming them', async () => {
    const warnings: string[] = [];
    const logger: Log = { debug() {}, info() {}, error() {}, warn: (_obj, msg) => void warnings.push(msg ?? '') };
    const { supervisor } = await harness({ cgroups: false, logger });
    const marker = newMarker();
    await supervisor.upsert([unit('escapes', { kind: 'service', command: escapingCommand(marker) })], new Set());
    await supervisor.start(['escapes']);
    await waitForStatus(supervisor, 'escapes', 'ready');
    const found = await threeSleeps(marker);
    expect(found.every(({ pid }) => !/\/compute\//.test(cgroupOf(pid) ?? ''))).toBe(true);

    await supervisor.stop(['escapes']);
    await waitFor(() => processesWith(marker).length === 0, { what: 'the SIGKILLed survivors to go' });
    const survivorWarnings = warnings.filter((warning) => warning.includes('outlived the stop'));
    expect(survivorWarnings).toHaveLength(1);
    expect(survivorWarnings[0]).toContain(`sleep 1000.${marker}`);
    expect(survivorWarnings[0]).toContain(`sleep 1001.${marker}`);
  });
});
