// Confinement under a race: ROOT/d is swapped for a symlink to outside while files operations run through d/.
// Before the files API walked from a root fd, thousands of these reads and writes reached the outside folder.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFolder, makeFolder, readText, removePath, statPath, writeText } from '../../../src/daemon/files/ops.js';
import { startTestDaemon } from '../http/harness.js';
import { inLanes, raceFolders, SECRET, startSwapper } from './swap-race.js';

const LANES = 8;

/** The names in the outside folder other than its own f.txt and the victims the test put there. */
function planted(outside: string): string[] {
  return readdirSync(outside).filter((name) => !['f.txt', 'only-outside.txt'].includes(name) && !name.startsWith('victim-'));
}

describe('files operations while a folder is swapped for a symlink to outside', () => {
  it('never read nor write outside the root in 10,000 reads and 10,000 writes', async () => {
    const { root, outside } = raceFolders();
    const stopSwapper = await startSwapper(root, outside);
    let leakedReads = 0;
    let reads = 0;
    const readRun = inLanes(10_000, LANES / 2, async () => {
      const { content } = await readText(root, '/d/f.txt');
      reads++;
      if (content === SECRET) leakedReads++;
    });
    const writeRun = inLanes(10_000, LANES / 2, async (i) => {
      await writeText(root, `/d/w-${i}.txt`, 'x');
    });
    const [readResult, writeResult] = await Promise.all([readRun, writeRun]);
    await stopSwapper();
    const leakedWrites = planted(outside).length;
    expect({ leakedReads, leakedWrites }).toEqual({ leakedReads: 0, leakedWrites: 0 });
    // The race was live: some operations met d as the symlink (403) or gone (404), some met the folder.
    expect(readResult.failed + writeResult.failed).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(0);
    expect(writeResult.failed).toBeLessThan(10_000);
  });

  it('never list, stat, create folders in or remove entries of the outside folder', async () => {
    const { root, outside } = raceFolders();
    writeFileSync(join(outside, 'only-outside.txt'), SECRET);
    for (let i = 0; i < 1_000; i++) writeFileSync(join(outside, `victim-${i}`), SECRET);
    const stopSwapper = await startSwapper(root, outside);
    let leaks = 0;
    await Promise.all([
      inLanes(1_000, 2, async () => {
        const { files } = await listFolder(root, '/d');
        if (files.some((file) => file.name === 'only-outside.txt')) leaks++;
      }),
      inLanes(1_000, 2, async () => {
        await statPath(root, '/d/only-outside.txt');
        leaks++;
      }),
      inLanes(1_000, 2, async (i) => {
        await makeFolder(root, `/d/m-${i}/sub`);
      }),
      inLanes(1_000, 2, async (i) => {
        await removePath(root, `/d/victim-${i}`);
      }),
    ]);
    await stopSwapper();
    const removed = Array.from({ length: 1_000 }, (_, i) => i).filter((i) => !existsSync(join(outside, `victim-${i}`)));
    expect({ leaks, planted: planted(outside), removed: removed.length }).toEqual({ leaks: 0, planted: [], removed: 0 });
  });

  it('never read nor write outside the root through the HTTP files API', async () => {
    const { http, root } = await startTestDaemon();
    const { outside } = raceFolders(root);
    const stopSwapper = await startSwapper(root, outside);
    let leakedReads = 0;
    await Promise.all([
      inLanes(1_000, LANES / 2, async () => {
        const reply = await http.call('GET', '/files/d/f.txt?content=true');
        if (reply.text.includes(SECRET)) leakedReads++;
      }),
      inLanes(1_000, LANES / 2, async (i) => {
        await http.call('POST', '/files', { path: `/d/h-${i}.txt`, content: 'x' });
      }),
    ]);
    await stopSwapper();
    expect({ leakedReads, leakedWrites: planted(outside).length }).toEqual({ leakedReads: 0, leakedWrites: 0 });
  });
});
