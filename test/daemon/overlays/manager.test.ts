// The manager around the copy: refusals, waiting for completion, covering paths, background progress.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DaemonError } from '../../../src/daemon/errors.js';
import { OverlayCopyError } from '../../../src/daemon/overlays/index.js';
import type { OverlayRecord, OverlaySpec } from '../../../src/contract/overlay.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { failedOverlay, listTree, newManager, spec, writeTree } from './helpers.js';

describe('create refuses bad specs with a 400', () => {
  const cases: Array<[string, (root: string, source: string) => Partial<OverlaySpec>, RegExp]> = [
    ['a target climbing out of the root', () => ({ target: '../../etc' }), /overlay target: path "..\/..\/etc" escapes the sandbox root/],
    ['a target leaving the root through a symlink', (root) => link(root, 'escape', tempDir(), '/escape/app'), /leaves the sandbox root through a symlink/],
    ['a missing source', (_root, source) => ({ source: join(source, 'nope') }), /overlay source ".*nope" does not exist/],
    ['a file as source', (_root, source) => ({ source: join(source, 'file.txt') }), /overlay source ".*file.txt" is a file, not a folder/],
    ['a relative source', () => ({ source: 'templates/app' }), /overlay source must be an absolute host path, got "templates\/app"/],
    ['a target that is a file', (root) => file(root, 'taken', '/taken'), /overlay target "\/taken" exists and is not a folder/],
    ['a target under a file', (root) => file(root, 'taken', '/taken/app'), /overlay target "\/taken\/app" lies under a file/],
    ['a target inside its source', (root) => inRoot(root, 'tpl', '/tpl/copy'), /overlay target "\/tpl\/copy" overlaps its source/],
    ['a source inside its target', (root) => inRoot(root, 'app/tpl', '/app'), /overlay target "\/app" overlaps its source/],
    ['an unknown strategy', () => ({ strategy: 'rsync' as never }), /overlay strategy must be "copy" or "smart", got "rsync"/],
    ['ignore that is not a list of strings', () => ({ ignore: 'node_modules' as never }), /overlay ignore must be an array of strings/],
    ['an empty id', () => ({ id: '' }), /overlay id must be a non-empty string/],
  ];
  it.each(cases)('%s', async (_name, make, message) => {
    const source = tempDir();
    writeFileSync(join(source, 'file.txt'), 'x');
    const { manager, root } = newManager();
    const error = await manager.create(spec({ source, ...make(root, source) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonError);
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(message) });
    expect(manager.list()).toEqual([]);
  });
});

function link(root: string, name: string, to: string, target: string): Partial<OverlaySpec> {
  symlinkSync(to, join(root, name));
  return { target };
}

function file(root: string, name: string, target: string): Partial<OverlaySpec> {
  writeFileSync(join(root, name), 'occupied');
  return { target };
}

function inRoot(root: string, folder: string, target: string): Partial<OverlaySpec> {
  mkdirSync(join(root, folder), { recursive: true });
  return { source: join(root, folder), target };
}

describe('whenComplete', () => {
  it('resolves at once for a complete overlay', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a' });
    const { manager } = newManager();
    await manager.create(spec({ source }));
    await manager.whenComplete('app');
    expect(manager.get('app')?.copy_status).toBe('complete');
    await expect(manager.whenComplete('app')).resolves.toBeUndefined();
  });

  it('rejects with the copy error for a failed overlay, then and later', async () => {
    const { manager, root, spec: failing } = await failedOverlay();
    const record = manager.get('app');
    expect(record?.copy_status).toBe('failed');
    expect(record?.copy_error).toMatch(/ENAMETOOLONG/);
    // The error names the sandbox path the client asked for, not the host path behind it.
    expect(record?.copy_error).toContain(`'${failing.target}/`);
    expect(record?.copy_error).not.toContain(root);
    const error = await manager.whenComplete('app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverlayCopyError);
    expect(error).toMatchObject({ overlayId: 'app', copy_error: record?.copy_error, message: record?.copy_error });
  });

  it('rejects with a 404 for an unknown id, and when the overlay is destroyed while waited on', async () => {
    const { manager, root } = newManager({ concurrency: 16 });
    await expect(manager.whenComplete('nope')).rejects.toMatchObject({ status: 404, message: 'no overlay "nope"' });
    const source = tempDir();
    writeTree(source, Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}.txt`, 'x'])));
    await manager.create(spec({ source }));
    const waiting = expect(manager.whenComplete('app')).rejects.toThrow('the overlay was destroyed before its copy completed');
    await manager.destroy('app');
    await waiting;
    // The cancelled copy has fully stopped: what it wrote is removed, and nothing lands after destroy returned.
    expect(existsSync(join(root, 'app'))).toBe(false);
  });
});

describe('covering', () => {
  it('lists the overlays whose target holds a sandbox path', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a' });
    const { manager } = newManager();
    await manager.create(spec({ id: 'app', source, target: '/app' }));
    await manager.create(spec({ id: 'web', source, target: '/app/web' }));
    await manager.create(spec({ id: 'apple', source, target: '/apple' }));
    expect(manager.covering('/app')).toEqual(['app']);
    expect(manager.covering('app/web/src/')).toEqual(['app', 'web']);
    expect(manager.covering('/apple/x')).toEqual(['apple']);
    expect(manager.covering('/')).toEqual([]);
    expect(manager.covering('/../../etc')).toEqual([]);
    await Promise.all(['app', 'web', 'apple'].map((id) => manager.whenComplete(id)));
  });
});

describe('background copy', () => {
  it('shows progress in the record while a larger tree copies', async () => {
    const source = tempDir();
    const total = 1500;
    writeTree(source, Object.fromEntries(Array.from({ length: total }, (_, i) => [`d${i % 30}/f${i}.txt`, `file ${i}`])));
    const { manager, root } = newManager({ concurrency: 2, progressIntervalMs: 0 });
    const events: OverlayRecord[] = [];
    manager.subscribe((record) => events.push(record));
    const created = await manager.create(spec({ source }));
    expect(['pending', 'in_progress']).toContain(created.copy_status);
    await waitFor(() => manager.get('app')?.copy_status === 'in_progress', { what: 'the copy to start' });
    await waitFor(() => manager.get('app')?.copy_status === 'complete', { what: 'the copy to complete' });

    expect(events[0]?.copy_status).toBe('pending');
    const running = events.filter((e) => e.copy_status === 'in_progress');
    const counts = running.map((e) => e.stats.copied_files);
    expect(counts.some((n) => n > 0 && n < total)).toBe(true);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ copy_status: 'complete', stats: { copied_files: total, copied_dirs: 30 } });
    expect(listTree(join(root, 'app')).filter((p) => !p.endsWith('/'))).toHaveLength(total);
  });

  it('throttles progress notifications by the injected clock; status changes always notify', async () => {
    const source = tempDir();
    writeTree(source, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}.txt`, 'x'])));
    const { manager } = newManager({ now: () => 1_700_000_000_000, progressIntervalMs: 100 });
    const events: OverlayRecord[] = [];
    manager.subscribe((record) => events.push(record));
    await manager.create(spec({ source }));
    await manager.whenComplete('app');
    expect(events.map((e) => e.copy_status)).toEqual(['pending', 'in_progress', 'complete']);
    expect(events[0]?.created_at).toBe(new Date(1_700_000_000_000).toISOString());
  });
});
