// scanPaths: a scan of only the paths a watcher reported gives the same manifest as a full scan of the changed tree.
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPaths, scanSource } from '../../src/reconcile/scan.js';
import { tempDir } from '../helpers/tmp.js';

// A source of a few folders, an ignored folder, a smart package folder and a link that stays inside.
function source(): string {
  const dir = join(tempDir('compute-scan-paths-'), 'app');
  for (const folder of ['src/lib', 'docs', 'dist', 'node_modules/left-pad']) mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{}\n');
  writeFileSync(join(dir, 'src/index.mjs'), 'export {};\n');
  writeFileSync(join(dir, 'src/lib/a.mjs'), 'a\n');
  writeFileSync(join(dir, 'docs/readme.md'), 'docs\n');
  writeFileSync(join(dir, 'dist/out.js'), 'built\n');
  writeFileSync(join(dir, 'node_modules/left-pad/index.js'), 'pad\n');
  symlinkSync('src/index.mjs', join(dir, 'main.mjs'));
  return dir;
}

// Each case changes the tree and lists the paths a watcher reports for it (chokidar reports each path it saw).
const CASES: Array<{ name: string; change: (dir: string) => void; reported: string[] }> = [
  { name: 'a changed file', change: (d) => writeFileSync(join(d, 'src/lib/a.mjs'), 'a, longer\n'), reported: ['src/lib/a.mjs'] },
  { name: 'a new file in a new folder', change: (d) => (mkdirSync(join(d, 'src/new/deep'), { recursive: true }), writeFileSync(join(d, 'src/new/deep/b.mjs'), 'b\n')), reported: ['src/new/deep/b.mjs'] },
  { name: 'a deleted file', change: (d) => rmSync(join(d, 'docs/readme.md')), reported: ['docs/readme.md'] },
  { name: 'a deleted folder', change: (d) => rmSync(join(d, 'src/lib'), { recursive: true }), reported: ['src/lib'] },
  { name: 'a renamed folder', change: (d) => renameSync(join(d, 'src'), join(d, 'source')), reported: ['src', 'source'] },
  { name: 'a file in an ignored folder', change: (d) => writeFileSync(join(d, 'dist/more.js'), 'x\n'), reported: ['dist/more.js'] },
  { name: 'a file inside the package folder', change: (d) => writeFileSync(join(d, 'node_modules/left-pad/new.js'), 'x\n'), reported: ['node_modules/left-pad/new.js'] },
  { name: 'a new link out of the source', change: (d) => symlinkSync('/etc/passwd', join(d, 'out')), reported: ['out'] },
  { name: 'the source itself', change: (d) => writeFileSync(join(d, 'top.txt'), 't\n'), reported: ['.'] },
  { name: 'a path reported but unchanged', change: () => {}, reported: ['package.json'] },
];

describe('scanPaths', () => {
  const spec = (dir: string) => ({ source: dir, strategy: 'smart' as const, ignore: ['dist/'] });
  it.each(CASES)('gives the full scan\'s manifest for $name', async ({ change, reported }) => {
    const dir = source();
    const before = await scanSource(spec(dir));
    if (before.status !== 'ok') throw new Error('the source is missing');
    change(dir);
    const full = await scanSource(spec(dir), before.manifest);
    const partial = await scanPaths(spec(dir), before.manifest, reported);
    expect(partial).toEqual(full);
  });

  it('reports a missing source as missing', async () => {
    const dir = source();
    const before = await scanSource(spec(dir));
    rmSync(dir, { recursive: true });
    expect(await scanPaths(spec(dir), before.status === 'ok' ? before.manifest : {}, ['package.json'])).toEqual({ status: 'missing' });
  });
});
