// Re-applying, changing and destroying overlays: what is rewritten, removed and kept.
import { existsSync, lstatSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OverlayRecord } from '../../../src/contract/overlay.js';
import { tempDir } from '../../helpers/tmp.js';
import { failedOverlay, listTree, newManager, spec, writeTree } from './helpers.js';

/** Inode and change time of each file: a rewrite (unlink + copy) changes both, even with the mtime kept. */
function fingerprints(dir: string, files: string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((file) => {
      const stat = lstatSync(join(dir, file), { bigint: true });
      return [file, `${stat.ino}:${stat.ctimeNs}`];
    }),
  );
}

describe('re-applying an overlay', () => {
  it('is a no-op for the same spec: same record, no event, no file rewritten', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a', 'dir/b.txt': 'b', 'node_modules/m.js': 'm' });
    const { manager, root } = newManager();
    const first = await manager.create(spec({ source, strategy: 'smart', ignore: ['*.log'] }));
    await manager.whenComplete('app');
    const app = join(root, 'app');
    const before = fingerprints(app, ['a.txt', 'dir/b.txt', 'node_modules']);
    const completed = manager.get('app');
    const events: OverlayRecord[] = [];
    manager.subscribe((record) => events.push(record));

    const again = await manager.create(spec({ source, strategy: 'smart', ignore: ['*.log'], target: 'app/' }));
    expect(again).toEqual(completed);
    expect(again.created_at).toBe(first.created_at);
    expect(events).toEqual([]);
    expect(fingerprints(app, ['a.txt', 'dir/b.txt', 'node_modules'])).toEqual(before);
  });

  it('updates labels without a resync', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a' });
    const { manager } = newManager();
    await manager.create(spec({ source, labels: { 'compute.project': 'one' } }));
    await manager.whenComplete('app');
    const events: OverlayRecord[] = [];
    manager.subscribe((record) => events.push(record));
    const record = await manager.create(spec({ source, labels: { 'compute.project': 'two' } }));
    expect(record.labels).toEqual({ 'compute.project': 'two' });
    expect(events.map((e) => e.copy_status)).toEqual(['complete']);
  });

  it('resyncs a changed spec: new and changed files land, removed ones go, the unit’s own files stay', async () => {
    const source = tempDir();
    writeTree(source, { 'same.txt': 'same', 'edit.txt': 'v1', 'gone.txt': 'x', 'dir/gone.txt': 'y', 'old/only.txt': 'z' });
    const { manager, root } = newManager();
    await manager.create(spec({ source }));
    await manager.whenComplete('app');
    const app = join(root, 'app');
    writeTree(app, { 'unit.txt': 'written by the unit', 'dir/unit.txt': 'also the unit' });
    const before = fingerprints(app, ['same.txt']);

    rmSync(join(source, 'gone.txt'));
    rmSync(join(source, 'dir/gone.txt'));
    rmSync(join(source, 'old'), { recursive: true });
    writeFileSync(join(source, 'edit.txt'), 'version 2');
    writeTree(source, { 'new/added.txt': 'added' });
    await manager.create(spec({ source, ignore: ['*.tmp'] }));
    await manager.whenComplete('app');

    expect(listTree(app)).toEqual(['dir/', 'dir/unit.txt', 'edit.txt', 'new/', 'new/added.txt', 'same.txt', 'unit.txt']);
    expect(readFileSync(join(app, 'edit.txt'), 'utf8')).toBe('version 2');
    expect(fingerprints(app, ['same.txt'])).toEqual(before);
    expect(manager.get('app')).toMatchObject({ ignore: ['*.tmp'], copy_status: 'complete' });
  });

  it('switches strategies without ever deleting the template through a smart link', async () => {
    const source = tempDir();
    writeTree(source, { 'node_modules/pkg/index.js': 'pkg', 'src/a.js': 'a' });
    const { manager, root } = newManager();
    const app = join(root, 'app');
    await manager.create(spec({ source, strategy: 'copy' }));
    await manager.whenComplete('app');
    expect(lstatSync(join(app, 'node_modules')).isDirectory()).toBe(true);

    await manager.create(spec({ source, strategy: 'smart' }));
    await manager.whenComplete('app');
    expect(lstatSync(join(app, 'node_modules')).isSymbolicLink()).toBe(true);
    // The copy's node_modules/** entries were stale; removing them through the new link would empty the template.
    expect(readFileSync(join(source, 'node_modules/pkg/index.js'), 'utf8')).toBe('pkg');

    await manager.create(spec({ source, strategy: 'copy' }));
    await manager.whenComplete('app');
    expect(lstatSync(join(app, 'node_modules')).isDirectory()).toBe(true);
    expect(readFileSync(join(app, 'node_modules/pkg/index.js'), 'utf8')).toBe('pkg');
    expect(readFileSync(join(source, 'node_modules/pkg/index.js'), 'utf8')).toBe('pkg');
  });

  it('replaces what a unit put where the source has an entry, without writing through a planted link', async () => {
    const source = tempDir();
    const outside = tempDir();
    writeTree(source, { 'conf/app.json': '{}', 'data.txt': 'data' });
    writeTree(outside, { 'victim.txt': 'untouched' });
    const { manager, root } = newManager();
    const app = join(root, 'app');
    await manager.create(spec({ source }));
    await manager.whenComplete('app');
    rmSync(join(app, 'data.txt'));
    rmSync(join(app, 'conf'), { recursive: true });
    writeTree(app, { 'data.txt/': '' });
    // A unit swaps conf/ for a link to a host folder; a resync must not write conf/app.json into it.
    symlinkSync(outside, join(app, 'conf'));
    await manager.create(spec({ source, ignore: ['nothing'] }));
    await manager.whenComplete('app');
    expect(listTree(app)).toEqual(['conf/', 'conf/app.json', 'data.txt']);
    expect(listTree(outside)).toEqual(['victim.txt']);
  });

  it('supersedes a running copy when the spec changes mid-copy', async () => {
    const source = tempDir();
    writeTree(source, Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}.txt`, `${i}`])));
    const { manager, root } = newManager({ concurrency: 1 });
    const events: OverlayRecord[] = [];
    manager.subscribe((record) => events.push(record));
    await manager.create(spec({ source }));
    await manager.create(spec({ source, ignore: ['f1*.txt'] }));
    await manager.whenComplete('app');
    const expected = Array.from({ length: 300 }, (_, i) => `f${i}.txt`).filter((name) => !name.startsWith('f1'));
    expect(listTree(join(root, 'app'))).toEqual(expected.sort());
    expect(events.filter((e) => e.copy_status === 'complete')).toHaveLength(1);
    expect(manager.get('app')?.stats.copied_files).toBe(expected.length);
  });

  it('retries a failed overlay re-applied with the same spec', async () => {
    const { manager, root, source, spec: failing } = await failedOverlay();
    expect(manager.get('app')?.copy_status).toBe('failed');
    // Shorten the offending path in the source; the same spec now succeeds.
    rmSync(join(source, 'x'.repeat(250)), { recursive: true });
    writeTree(source, { 'ok.txt': 'ok' });
    await manager.create(failing);
    await manager.whenComplete('app');
    expect(manager.get('app')).toMatchObject({ copy_status: 'complete', copy_error: null });
    expect(existsSync(join(root, failing.target, 'ok.txt'))).toBe(true);
  });
});

describe('moving and destroying', () => {
  it('moves an overlay whose target changed: the former target loses the copied files', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a' });
    const { manager, root } = newManager();
    await manager.create(spec({ source, target: '/one' }));
    await manager.whenComplete('app');
    await manager.create(spec({ source, target: '/two' }));
    await manager.whenComplete('app');
    expect(existsSync(join(root, 'one'))).toBe(false);
    expect(readFileSync(join(root, 'two/a.txt'), 'utf8')).toBe('a');
  });

  it('destroy removes the copied entries and keeps the unit’s files; unknown ids are 404', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a', 'dir/b.txt': 'b', 'node_modules/m.js': 'm', 'empty/': '' });
    const { manager, root } = newManager();
    await manager.create(spec({ source, strategy: 'smart' }));
    await manager.create(spec({ id: 'other', source, target: '/other' }));
    await Promise.all([manager.whenComplete('app'), manager.whenComplete('other')]);
    writeTree(join(root, 'other'), { 'dir/mine.txt': 'unit' });

    await manager.destroy('app');
    expect(existsSync(join(root, 'app'))).toBe(false);
    expect(readFileSync(join(realpathSync(source), 'node_modules/m.js'), 'utf8')).toBe('m');
    await manager.destroy('other');
    expect(listTree(join(root, 'other'))).toEqual(['dir/', 'dir/mine.txt']);
    expect(manager.list()).toEqual([]);
    await expect(manager.destroy('app')).rejects.toMatchObject({ status: 404, message: 'no overlay "app"' });
    expect(statSync(root).isDirectory()).toBe(true);
  });

  it('can target the sandbox root itself, and destroying it keeps the root', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a', 'dir/b.txt': 'b' });
    const { manager, root } = newManager();
    await manager.create(spec({ source, target: '/' }));
    await manager.whenComplete('app');
    expect(listTree(root)).toEqual(['a.txt', 'dir/', 'dir/b.txt']);
    expect(manager.covering('/anything')).toEqual(['app']);
    await manager.destroy('app');
    expect(listTree(root)).toEqual([]);
    expect(statSync(root).isDirectory()).toBe(true);
  });
});
