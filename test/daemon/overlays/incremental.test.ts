// Incremental sync on real files: the source scanned, diffed against the overlay's manifest, applied by the daemon's
// manager; ownership, ignore, links out of the source, unreadable files, and files that change while copied.
import { appendFileSync, chmodSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncOperations } from '../../../src/contract/sync.js';
import { copyFileAtomic, KeptChangingError } from '../../../src/daemon/overlays/write.js';
import { scanSource } from '../../../src/reconcile/scan.js';
import { tempDir } from '../../helpers/tmp.js';
import { listTree, newManager, spec, writeTree } from './helpers.js';

async function copied(fields: Parameters<typeof spec>[0]) {
  const { manager, root } = newManager();
  const overlay = spec(fields);
  await manager.create(overlay);
  await manager.whenComplete(overlay.id);
  return { manager, overlay, target: join(root, 'app') };
}

async function opsOf(manager: Awaited<ReturnType<typeof copied>>['manager'], overlay: ReturnType<typeof spec>) {
  const written = manager.manifest(overlay.id);
  const scan = await scanSource(overlay, written);
  if (scan.status !== 'ok') throw new Error('source missing');
  return { ops: syncOperations(scan.manifest, written), scan };
}

describe('incremental overlay sync', () => {
  it('writes what changed, deletes only what it wrote, honours ignore and never follows a link out of the source', async () => {
    const source = tempDir();
    const outside = tempDir();
    writeTree(source, { 'api.mjs': 'v1', 'lib/util.mjs': 'u', 'gone.txt': 'g', 'debug.log': 'l' });
    writeTree(outside, { 'secret.txt': 'do not copy' });
    const { manager, overlay, target } = await copied({ source, ignore: ['*.log'] });
    writeFileSync(join(target, 'unit-made.txt'), 'the unit keeps this');

    writeFileSync(join(source, 'api.mjs'), 'v2 is longer');
    rmSync(join(source, 'gone.txt'));
    writeTree(source, { 'new/deep/file.txt': 'n', 'more.log': 'ignored' });
    symlinkSync(join(outside, 'secret.txt'), join(source, 'leak'));
    symlinkSync('lib/util.mjs', join(source, 'util-link'));
    const { ops } = await opsOf(manager, overlay);
    expect(ops.map((op) => `${op.op} ${op.path}`)).toEqual(['delete gone.txt', 'mkdir new', 'mkdir new/deep', 'write api.mjs', 'write new/deep/file.txt', 'symlink util-link']);

    expect(await manager.sync(overlay.id, ops)).toEqual({ changed: 5, deleted: 1, unreadable: [] });
    expect(listTree(target)).toEqual(['api.mjs', 'lib/', 'lib/util.mjs', 'new/', 'new/deep/', 'new/deep/file.txt', 'unit-made.txt', 'util-link -> lib/util.mjs']);
    expect(readFileSync(join(target, 'api.mjs'), 'utf8')).toBe('v2 is longer');
    expect((await opsOf(manager, overlay)).ops).toEqual([]);
    expect(manager.get(overlay.id)?.last_sync).toMatchObject({ changed: 5, deleted: 1 });
    // No temp name is left beside the files it wrote.
    expect(readdirSync(target).filter((name) => name.includes('.compute-'))).toEqual([]);
  });

  it('syncs nothing for a touch that keeps the bytes, once the file has been written by a sync (its hash is known)', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'one' });
    const { manager, overlay } = await copied({ source });
    writeFileSync(join(source, 'a.txt'), 'three');
    await manager.sync(overlay.id, (await opsOf(manager, overlay)).ops);
    utimesSync(join(source, 'a.txt'), new Date(), new Date(Date.now() + 5000));
    const { ops, scan } = await opsOf(manager, overlay);
    expect(scan.status === 'ok' && scan.manifest['a.txt']).toMatchObject({ hash: expect.any(String) });
    expect(ops).toEqual([]);
  });

  it('syncs a same-size save that kept the mtime of the copy (the same timestamp tick), and nothing for an unchanged file', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'one', 'b.txt': 'two' });
    const { manager, overlay, target } = await copied({ source });
    // Copied just after they were written: racy, so compared by content from now on.
    expect(manager.manifest(overlay.id)['a.txt']).toMatchObject({ racy: true, hash: expect.any(String) });
    expect((await opsOf(manager, overlay)).ops).toEqual([]);
    // The same tick, deterministically: the same size written, then the old mtime put back.
    const { mtime, atime } = statSync(join(source, 'a.txt'));
    writeFileSync(join(source, 'a.txt'), 'ONE');
    utimesSync(join(source, 'a.txt'), atime, mtime);
    const { ops } = await opsOf(manager, overlay);
    expect(ops.map((op) => `${op.op} ${op.path}`)).toEqual(['write a.txt']);
    await manager.sync(overlay.id, ops);
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('ONE');
    expect((await opsOf(manager, overlay)).ops).toEqual([]);
  });

  it('refuses paths that climb out, and does not write through a source folder that became a symlink', async () => {
    const source = tempDir();
    const outside = tempDir();
    writeTree(source, { 'dir/a.txt': 'a' });
    writeTree(outside, { 'a.txt': 'outside' });
    const { manager, overlay, target } = await copied({ source });
    await expect(manager.sync(overlay.id, [{ op: 'write', path: '../x', size: 1, mtimeMs: 1, mode: 0o644 }])).rejects.toThrow(/not a path relative/);
    rmSync(join(source, 'dir'), { recursive: true });
    symlinkSync(outside, join(source, 'dir'));
    await manager.sync(overlay.id, [{ op: 'write', path: 'dir/a.txt', size: 7, mtimeMs: 1, mode: 0o644 }]);
    expect(readFileSync(join(target, 'dir/a.txt'), 'utf8')).toBe('a');
  });

  it.skipIf(process.getuid?.() === 0)('names unreadable files in its result and syncs the rest', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a' });
    const { manager, overlay, target } = await copied({ source });
    writeTree(source, { 'locked.txt': 'secret', 'b.txt': 'b' });
    chmodSync(join(source, 'locked.txt'), 0);
    try {
      const result = await manager.sync(overlay.id, (await opsOf(manager, overlay)).ops);
      expect(result.unreadable).toEqual(['locked.txt']);
      expect(readFileSync(join(target, 'b.txt'), 'utf8')).toBe('b');
    } finally {
      chmodSync(join(source, 'locked.txt'), 0o644);
    }
  });

  it('never leaves a half-written file: a file appended to during its copy is copied again or refused whole', async () => {
    const dir = tempDir();
    const src = join(dir, 'growing.bin');
    writeFileSync(src, Buffer.alloc(2 * 1024 * 1024, 1));
    let writing = true;
    const writer = (async () => {
      while (writing) await appendFile(src, 'x'.repeat(4096));
    })();
    try {
      const outcome = await copyFileAtomic(src, join(dir, 'copy.bin')).catch((error: unknown) => error);
      if (outcome instanceof KeptChangingError) expect(readdirSync(dir)).toEqual(['growing.bin']);
      else if (outcome instanceof Error) throw outcome;
      else expect(readFileSync(join(dir, 'copy.bin')).length).toBe((outcome as { stat: { size: number } }).stat.size);
    } finally {
      writing = false;
      await writer;
    }
    appendFileSync(src, 'done');
    const quiet = await copyFileAtomic(src, join(dir, 'copy.bin'));
    expect(readFileSync(join(dir, 'copy.bin')).length).toBe(quiet.stat.size);
    expect(readdirSync(dir).sort()).toEqual(['copy.bin', 'growing.bin']);
  });
});
