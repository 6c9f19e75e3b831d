// An overlay's target under a race: a folder on the way to the target, or one below it, is swapped for a symlink to
// outside while overlays copy into it. No file may land outside (issue 13: the target was realpath'd, then written by
// name, and the folders below it were checked by lstat, then written through by name).
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';
import { inLanes, raceFolders, startSwapper } from '../files/swap-race.js';
import { newManager, spec, writeTree } from './helpers.js';

const TRIES = 5_000;

/** Files the overlays wrote into the outside folder (its own f.txt aside), at any depth. */
function landedOutside(outside: string): string[] {
  return readdirSync(outside, { recursive: true, encoding: 'utf8' }).filter((name) => name !== 'f.txt' && !statSync(join(outside, name)).isDirectory());
}

describe('an overlay whose target is swapped for a symlink to outside', () => {
  it(`never copies outside the root in ${TRIES} overlays onto /d/...`, async () => {
    const { manager, root } = newManager();
    const { outside } = raceFolders(root);
    const source = tempDir('compute-race-source-');
    writeTree(source, { 'sub/copied.txt': 'from the overlay' });
    const stopSwapper = await startSwapper(root, outside);
    let complete = 0;
    await inLanes(TRIES, 4, async (i) => {
      await manager.create(spec({ id: `o${i}`, source, target: `/d/t${i}` }));
      await manager.whenComplete(`o${i}`);
      complete++;
    });
    await stopSwapper();
    const leaks = landedOutside(outside);
    console.log(`overlay target race: ${TRIES} overlays, ${complete} complete, ${leaks.length} files outside`);
    expect(leaks).toEqual([]);
    expect(complete).toBeGreaterThan(0);
    expect(complete).toBeLessThan(TRIES);
  }, 60_000);

  it(`never writes outside the root in ${TRIES} synced files below the target`, async () => {
    const { manager, root } = newManager();
    const source = tempDir('compute-race-source-');
    writeTree(source, Object.fromEntries(Array.from({ length: TRIES }, (_, i) => [`d/w${i}.txt`, `${i}`])));
    mkdirSync(join(root, 't'));
    const { outside } = raceFolders(join(root, 't'));
    await manager.create(spec({ id: 'app', source, target: '/t' }));
    await manager.whenComplete('app');
    // Each sync writes its file anew.
    rmSync(join(root, 't/d'), { recursive: true });
    mkdirSync(join(root, 't/d'));
    // The overlay is complete; syncs now write d/w<i>.txt while d, below its target, is swapped.
    const stopSwapper = await startSwapper(join(root, 't'), outside);
    await inLanes(TRIES, 4, async (i) => {
      const stat = statSync(join(source, `d/w${i}.txt`));
      await manager.sync('app', [{ op: 'write', path: `d/w${i}.txt`, size: stat.size, mtimeMs: stat.mtimeMs, mode: 0o644 }]);
    });
    await stopSwapper();
    const leaks = landedOutside(outside);
    console.log(`overlay below-target race: ${TRIES} synced files, ${leaks.length} files outside`);
    expect(leaks).toEqual([]);
  }, 60_000);
});
