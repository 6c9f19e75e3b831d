// A command's cwd under a race: ROOT/d is swapped for a symlink to outside while commands run in /d. A command must
// run in the folder that was checked, never in the outside one (issue 13: its cwd was realpath'd, then chdir'd by name).
import { readdirSync, realpathSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../../src/daemon/commands/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { inLanes, raceFolders, startSwapper } from '../files/swap-race.js';

const TRIES = 10_000;
const runners: CommandRunner[] = [];

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.close();
});

describe('a command whose cwd is swapped for a symlink to outside', () => {
  it(`never runs outside the root in ${TRIES} tries`, async () => {
    const root = tempDir('compute-cwd-race-');
    const { outside } = raceFolders(root);
    const runner = new CommandRunner({ root, sandboxId: realpathSync(root) });
    runners.push(runner);
    const stopSwapper = await startSwapper(root, outside);
    let ran = 0;
    // Each command leaves a file in its working folder: one in the outside folder is a process that ran there.
    const { failed } = await inLanes(TRIES, 4, async (i) => {
      const result = await runner.run({ command: `: > ran-${i}`, cwd: '/d' });
      if (result.exit_code === 0) ran++;
    });
    await stopSwapper();
    const leaks = readdirSync(outside).filter((name) => name.startsWith('ran-'));
    console.log(`cwd race (run/command): ${TRIES} tries, ${ran} ran, ${failed} refused, ${leaks.length} ran outside`);
    expect(leaks).toEqual([]);
    // The race was live: some commands met d as the symlink or gone, some ran in it.
    expect(ran).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
  }, 60_000);
});
