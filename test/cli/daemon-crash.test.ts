// `down` and `ps` after the daemon was SIGKILLed: a new daemon takes the recorded units over, so that `ps` shows them
// running and `down` ends them all, including a child that left its unit's process group.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { UnitRow } from '../../src/cli/output/units.js';
import { pidAlive } from '../../src/contract/discovery.js';
import { cgroupOf, cgroupTestsRun, newMarker, processesWith, removeSandboxCgroups, sandboxCgroupDir, TRACKING_HIERARCHIES, useMountedCgroupV2 } from '../helpers/cgroups.js';
import { isAlive } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';
import { bringUp, daemonPid, runCli, writeProject } from './project-harness.js';

const TAKE_OVER = "compute: the project's daemon is not running, but its state records running units; started a new daemon, which takes them over\n";

function recordedPids(stateDir: string): number {
  const document = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { units: Array<{ state: { pid?: number } }> };
  return document.units.filter((unit) => unit.state.pid !== undefined).length;
}

// A project of two services, one of which leaves its process group (setsid); brought up, then its daemon SIGKILLed.
async function crashedProject(): Promise<{ dir: string; marker: string; stateDir: string }> {
  const marker = newMarker();
  const dir = writeProject(`name: crashed
sandbox: { root: . }
services:
  a:
    cmd: sh
    args: ["-c", "setsid sleep 1000.${marker} & exec sleep 1001.${marker}"]
  b:
    cmd: sleep
    args: ["1002.${marker}"]
`);
  const stateDir = join(dir, '.compute', 'state');
  await bringUp(dir);
  const cgroups = cgroupTestsRun ? sandboxCgroupDir(stateDir) : undefined;
  // After the project harness's clean-up, which must have removed them.
  onTestFinished(async () => expect(await removeSandboxCgroups(cgroups), 'processes left in the sandbox cgroups').toEqual([]));
  await waitFor(() => processesWith(marker).length === 3, { what: 'three marked sleeps' });
  // Each in its unit's cgroup of the hierarchy chosen, the setsid one too.
  if (cgroupTestsRun) expect(processesWith(marker).map(({ pid }) => cgroupOf(pid)?.replace(/^.*\/compute\/[0-9a-f]{16}\//, '')).sort()).toEqual(['u-a', 'u-a', 'u-b']);
  // The state file is written just after the events bringUp waited for: the crash comes once it records both pids.
  await waitFor(() => recordedPids(stateDir) === 2, { what: 'the state file to record both pids' });
  const daemon = daemonPid(dir) as number;
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => !pidAlive(daemon), { what: 'the daemon to die' });
  return { dir, marker, stateDir };
}

describe.each(TRACKING_HIERARCHIES)('after the daemon was SIGKILLed, tracked by $name', ({ v2 }) => {
  if (v2) useMountedCgroupV2();

  it('compute down starts a daemon that takes the units over, and ends every process of them (exit 0)', async () => {
    const { dir, marker, stateDir } = await crashedProject();
    expect(processesWith(marker)).toHaveLength(3);

    const result = await runCli(dir, ['down']);
    expect(result).toMatchObject({ code: 0, stderr: TAKE_OVER, stdout: 'removed: b, a\nstopped the sandbox daemon\n' });
    expect(processesWith(marker)).toEqual([]);
    if (cgroupTestsRun) expect(existsSync(sandboxCgroupDir(stateDir) as string)).toBe(false);

    const again = await runCli(dir, ['down']);
    expect(again).toMatchObject({ code: 0, stdout: "nothing to do: the project's sandbox daemon is not running\n", stderr: '' });
  });

  it('compute down also ends what a unit left after its main process died while no daemon ran', async () => {
    const { dir, marker } = await crashedProject();
    const [main] = processesWith(`1001.${marker}`);
    process.kill(main?.pid as number, 'SIGKILL');
    await waitFor(() => processesWith(`1001.${marker}`).length === 0, { what: 'the main process to die' });

    const result = await runCli(dir, ['down']);
    expect(result).toMatchObject({ code: 0, stderr: TAKE_OVER, stdout: 'removed: b, a\nstopped the sandbox daemon\n' });
    expect(processesWith(marker)).toEqual([]);
  });

  it('compute ps shows the units running, not "not created"', async () => {
    const { dir, marker } = await crashedProject();
    const ps = await runCli(dir, ['ps', '--json']);
    expect(ps.code).toBe(0);
    expect(ps.stderr).toBe(TAKE_OVER);
    const rows = JSON.parse(ps.stdout) as UnitRow[];
    expect(rows.map((row) => row.name)).toEqual(['a', 'b']);
    for (const row of rows) expect(['running', 'ready']).toContain(row.status);
    for (const row of rows) expect(isAlive(row.pid as number)).toBe(true);
    expect(processesWith(marker)).toHaveLength(3);
  });
});
