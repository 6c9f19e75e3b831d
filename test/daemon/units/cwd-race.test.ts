// A unit's working folder under a race: ROOT/d is swapped for a symlink to outside while units start in /d. A unit's
// process must start in the folder that was checked, never in the outside one (issue 13: its cwd was realpath'd, then
// chdir'd by name). Main processes (node:child_process), install steps (execa), as root and as another user.
import { chmodSync, existsSync, openSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launch, prepareLaunch } from '../../../src/daemon/units/launch.js';
import { silentLog } from '../../../src/daemon/units/deps.js';
import type { Phase } from '../../../src/daemon/units/env.js';
import { tempDir } from '../../helpers/tmp.js';
import { unitSpec } from '../../helpers/unit-spec.js';
import { inLanes, raceFolders, startSwapper } from '../files/swap-race.js';

const TRIES = 10_000;
const isRoot = process.getuid?.() === 0;
// The spools are not under test: the process's output goes nowhere.
const logs = { openSpool: async () => ({ stdout: openSync('/dev/null', 'w'), stderr: openSync('/dev/null', 'w') }) };
const deps = { logs: logs as never, cgroups: undefined, log: silentLog };

async function startIn(root: string, i: number): Promise<void> {
  const spec = unitSpec(`u${i}`, { cwd: '/d', ...(isRoot && i % 3 === 2 ? { user: 'nobody' } : {}) });
  const phase: Phase = i % 2 === 0 ? 'main' : 'install';
  const context = await prepareLaunch(spec, root, 'race');
  // Each process leaves a file in its working folder: one in the outside folder is a process that ran there.
  const started = await launch(spec, ['/usr/bin/touch', `ran-${i}`], context, deps, phase, undefined);
  const { exitCode } = await started.exited;
  if (exitCode !== 0) throw new Error(`touch exited with ${exitCode}`);
}

describe('a unit whose working folder is swapped for a symlink to outside', () => {
  it(`never starts outside the root in ${TRIES} starts`, async () => {
    const root = tempDir('compute-unit-cwd-race-');
    const { outside } = raceFolders(root);
    // Writable by the unit run as nobody, in both places.
    chmodSync(`${root}/d`, 0o777);
    chmodSync(outside, 0o777);
    const stopSwapper = await startSwapper(root, outside);
    const { failed } = await inLanes(TRIES, 4, (i) => startIn(root, i));
    await stopSwapper();
    const leaks = readdirSync(outside).filter((name) => name.startsWith('ran-'));
    console.log(`cwd race (unit start): ${TRIES} tries, ${TRIES - failed} ran, ${failed} refused, ${leaks.length} ran outside`);
    expect(leaks).toEqual([]);
    // The race was live, and every way of starting met the folder at times: main and install, as root and as nobody.
    const ranInside = (i: number) => existsSync(`${root}/d/ran-${i}`) || existsSync(`${root}/.real/ran-${i}`);
    const ways = new Set(Array.from({ length: TRIES }, (_, i) => i).filter(ranInside).map((i) => `${i % 2}${isRoot ? i % 3 === 2 : false}`));
    expect(ways.size).toBe(isRoot ? 4 : 2);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(TRIES);
  }, 60_000);
});
