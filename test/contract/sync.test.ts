// The sync engine's pure diff and the on_change rules, as tables.
import { describe, expect, it } from 'vitest';
import { actionFor } from '../../src/contract/overlay-rules.js';
import { countOperations, isRacy, RACY_MS, sameEntry, syncOperations, type SyncManifest } from '../../src/contract/sync.js';

const file = (size: number, mtimeMs = 1000, extra: { mode?: number; hash?: string; racy?: true } = {}) => ({
  kind: 'file' as const,
  size,
  mtimeMs,
  mode: extra.mode ?? 0o644,
  ...(extra.hash ? { hash: extra.hash } : {}),
  ...(extra.racy ? { racy: extra.racy } : {}),
});
const dir = { kind: 'dir' as const, mode: 0o755 };

describe('syncOperations', () => {
  it('is empty when the target holds what the source has', () => {
    const m: SyncManifest = { src: dir, 'src/a.js': file(3), link: { kind: 'link', text: 'src/a.js' } };
    expect(syncOperations(m, structuredClone(m))).toEqual([]);
  });

  it('writes new and changed files, creates folders parents first, deletes what went (files before folders, deepest first)', () => {
    const written: SyncManifest = { old: dir, 'old/x': file(1), 'old/deep': dir, 'old/deep/y': file(1), 'a.js': file(3), 'same.js': file(5) };
    const source: SyncManifest = { 'a.js': file(4, 2000), 'same.js': file(5), new: dir, 'new/inner': dir, 'new/inner/b.js': file(1) };
    expect(syncOperations(source, written)).toEqual([
      { op: 'delete', path: 'old/deep/y', kind: 'file' },
      { op: 'delete', path: 'old/x', kind: 'file' },
      { op: 'delete', path: 'old/deep', kind: 'dir' },
      { op: 'delete', path: 'old', kind: 'dir' },
      { op: 'mkdir', path: 'new', mode: 0o755 },
      { op: 'mkdir', path: 'new/inner', mode: 0o755 },
      { op: 'write', path: 'a.js', size: 4, mtimeMs: 2000, mode: 0o644 },
      { op: 'write', path: 'new/inner/b.js', size: 1, mtimeMs: 1000, mode: 0o644 },
    ]);
  });

  it('deletes then recreates an entry whose kind changed, and symlinks a smart package folder', () => {
    const written: SyncManifest = { lib: file(2), node_modules: dir };
    const source: SyncManifest = { lib: dir, node_modules: { kind: 'link', text: '/src/node_modules' } };
    const ops = syncOperations(source, written);
    expect(ops).toEqual([
      { op: 'delete', path: 'lib', kind: 'file' },
      { op: 'delete', path: 'node_modules', kind: 'dir' },
      { op: 'mkdir', path: 'lib', mode: 0o755 },
      { op: 'symlink', path: 'node_modules', text: '/src/node_modules' },
    ]);
    expect(countOperations(ops)).toEqual({ changed: 2, deleted: 2 });
  });

  it('never deletes what the overlay did not write: the diff knows only its own manifest', () => {
    expect(syncOperations({}, {})).toEqual([]);
    expect(syncOperations({ a: file(1) }, { a: file(1) })).toEqual([]);
  });
});

describe('sameEntry', () => {
  it.each([
    ['same size and mtime', file(3), file(3), true],
    ['a new mtime, no hash', file(3, 2000), file(3), false],
    ['a new mtime but the same content hash (a touch)', file(3, 2000, { hash: 'h' }), file(3, 1000, { hash: 'h' }), true],
    ['a new mtime and another hash', file(3, 2000, { hash: 'h2' }), file(3, 1000, { hash: 'h' }), false],
    ['another size', file(4), file(3), false],
    ['written racy: the same size and mtime prove nothing, the same hash does', file(3, 1000, { hash: 'h' }), file(3, 1000, { hash: 'h', racy: true }), true],
    ['written racy, another hash under the same mtime (a same-size save in the same tick)', file(3, 1000, { hash: 'h2' }), file(3, 1000, { hash: 'h', racy: true }), false],
    ['written racy without a hash', file(3), file(3, 1000, { racy: true }), false],
    ['another mode', file(3, 1000, { mode: 0o755 }), file(3), false],
    ['a folder with another mode', { kind: 'dir', mode: 0o700 }, dir, false],
    ['another link text', { kind: 'link', text: 'a' }, { kind: 'link', text: 'b' }, false],
  ] as const)('%s → %s', (_name, source, written, same) => {
    expect(sameEntry(source, written)).toBe(same);
  });
});

describe('isRacy', () => {
  it.each([
    [10_000, 10_000, true],
    [10_000, 10_000 + RACY_MS - 1, true],
    [10_000, 10_000 + RACY_MS, false],
    [20_000, 10_000, true],
  ])('a file of mtime %d copied at %d → %s', (mtimeMs, copiedAt, racy) => {
    expect(isRacy(mtimeMs, copiedAt)).toBe(racy);
  });
});

describe('actionFor', () => {
  const rules = [
    { path: 'package.json', action: 'install' as const },
    { path: '**/*.mjs', action: 'restart' as const },
    { path: 'static/**', action: 'sync' as const },
  ];
  it.each([
    [['README.md'], 'sync'],
    [['api.mjs'], 'restart'],
    [['lib/deep/x.mjs'], 'restart'],
    [['static/app.mjs'], 'restart'],
    [['README.md', 'package.json', 'api.mjs'], 'install'],
    [['sub/package.json'], 'install'],
  ])('%j → %s', (paths, action) => {
    expect(actionFor(rules, paths)).toBe(action);
  });

  it('takes the first matching rule for each path', () => {
    expect(actionFor([{ path: 'static/**', action: 'sync' }, { path: '*.mjs', action: 'restart' }], ['static/app.mjs'])).toBe('sync');
    expect(actionFor([], ['a.mjs'])).toBe('sync');
  });
});
