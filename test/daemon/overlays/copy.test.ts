// The copy itself: strategies, ignore globs, modes, and symlinks that stay in or leave the source.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';
import { listTree, newManager, spec, writeTree } from './helpers.js';

describe('copy strategy', () => {
  it('copies every file and folder, keeps modes, and keeps inside symlinks as relative links', async () => {
    const source = tempDir();
    writeTree(source, {
      'package.json': '{"name":"app"}',
      'src/index.js': 'console.log(1)',
      'src/lib/util.js': 'export {}',
      'bin/run.sh': '#!/bin/sh\necho hi\n',
      'node_modules/pkg/index.js': 'module.exports = 1',
      'empty/': '',
    });
    chmodSync(join(source, 'bin/run.sh'), 0o755);
    chmodSync(join(source, 'src/lib'), 0o750);
    symlinkSync('src/lib', join(source, 'current'));
    symlinkSync(join(source, 'package.json'), join(source, 'abs'));
    const { manager, root } = newManager();
    const created = await manager.create(spec({ source }));
    expect(['pending', 'in_progress']).toContain(created.copy_status);
    await manager.whenComplete('app');

    const app = join(root, 'app');
    expect(listTree(app)).toEqual([
      'abs -> package.json',
      'bin/',
      'bin/run.sh',
      'current -> src/lib',
      'empty/',
      'node_modules/',
      'node_modules/pkg/',
      'node_modules/pkg/index.js',
      'package.json',
      'src/',
      'src/index.js',
      'src/lib/',
      'src/lib/util.js',
    ]);
    expect(readFileSync(join(app, 'src/lib/util.js'), 'utf8')).toBe('export {}');
    expect(readFileSync(join(app, 'current/util.js'), 'utf8')).toBe('export {}');
    expect(readFileSync(join(app, 'abs'), 'utf8')).toBe('{"name":"app"}');
    expect(statSync(join(app, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(app, 'src/lib')).mode & 0o777).toBe(0o750);
    const record = manager.get('app');
    expect(record).toMatchObject({ id: 'app', source, target: '/app', strategy: 'copy', ignore: [], copy_status: 'complete', copy_error: null });
    // 5 files + 2 links; 6 folders (src, src/lib, bin, node_modules, node_modules/pkg, empty).
    expect(record?.stats).toEqual({ copied_files: 7, copied_dirs: 6, symlinked_dirs: 0, skipped: [] });
    expect(Date.parse(record?.created_at ?? '')).not.toBeNaN();
  });

  it('does not follow symlinks out of the source: they are skipped and listed', async () => {
    const outside = tempDir();
    writeTree(outside, { 'secret.txt': 'top secret', 'dir/key': 'k' });
    const parent = tempDir();
    const source = join(parent, 'tpl');
    writeTree(parent, { 'sibling.txt': 'not in the template', 'tpl/keep.txt': 'ok' });
    symlinkSync(join(outside, 'secret.txt'), join(source, 'abs-file'));
    symlinkSync(join(outside, 'dir'), join(source, 'abs-dir'));
    symlinkSync('../sibling.txt', join(source, 'rel-up'));
    mkdirSync(join(source, 'sub'));
    symlinkSync('../../sibling.txt', join(source, 'sub/rel-up2'));
    for (const strategy of ['copy', 'smart'] as const) {
      const { manager, root } = newManager();
      await manager.create(spec({ source, strategy }));
      await manager.whenComplete('app');
      const app = join(root, 'app');
      expect(listTree(app)).toEqual(['keep.txt', 'sub/']);
      expect(manager.get('app')?.stats.skipped.sort()).toEqual(['abs-dir', 'abs-file', 'rel-up', 'sub/rel-up2']);
    }
  });

  it('skips special files (a fifo) and lists them instead of failing', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a' });
    execFileSync('mkfifo', [join(source, 'pipe')]);
    const { manager, root } = newManager();
    await manager.create(spec({ source }));
    await manager.whenComplete('app');
    expect(listTree(join(root, 'app'))).toEqual(['a.txt']);
    expect(manager.get('app')?.stats.skipped).toEqual(['pipe']);
  });

  it('accepts a relative target as the 2.x client sends it, and stores it normalised', async () => {
    const source = tempDir();
    writeTree(source, { 'a.txt': 'a' });
    const { manager, root } = newManager();
    const record = await manager.create(spec({ source, target: 'project/./web/' }));
    expect(record.target).toBe('/project/web');
    await manager.whenComplete('app');
    expect(readFileSync(join(root, 'project/web/a.txt'), 'utf8')).toBe('a');
  });
});

describe('smart strategy', () => {
  it('symlinks package folders at any depth and copies the rest', async () => {
    const source = tempDir();
    const bigModules: Record<string, string> = {};
    for (let i = 0; i < 2000; i += 1) bigModules[`node_modules/pkg${i % 50}/file${i}.js`] = `// ${i}`;
    writeTree(source, {
      ...bigModules,
      'src/app.js': 'app',
      '.venv/bin/python': 'py',
      'vendor/lib.php': 'php',
      'deps/thing.txt': 'custom',
      'packages/a/node_modules/x/index.js': 'x',
      'packages/a/index.js': 'a',
    });
    const { manager, root } = newManager();
    await manager.create(spec({ source, strategy: 'smart', symlinkDirs: ['deps'] }));
    await manager.whenComplete('app');
    const app = join(root, 'app');
    const real = realpathSync(source);
    for (const dir of ['node_modules', '.venv', 'vendor', 'deps', 'packages/a/node_modules']) {
      expect(lstatSync(join(app, dir)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(app, dir))).toBe(join(real, dir));
    }
    expect(lstatSync(join(app, 'src/app.js')).isFile()).toBe(true);
    expect(lstatSync(join(app, 'packages/a/index.js')).isFile()).toBe(true);
    expect(readFileSync(join(app, 'node_modules/pkg7/file7.js'), 'utf8')).toBe('// 7');
    expect(manager.get('app')?.stats).toEqual({ copied_files: 2, copied_dirs: 3, symlinked_dirs: 5, skipped: [] });
  });

  it('defaults to smart when no strategy is given, as the 2.x client does', async () => {
    const source = tempDir();
    writeTree(source, { 'node_modules/a.js': 'a' });
    const { manager, root } = newManager();
    const record = await manager.create({ id: 'app', source, target: '/app' } as never);
    expect(record.strategy).toBe('smart');
    await manager.whenComplete('app');
    expect(lstatSync(join(root, 'app/node_modules')).isSymbolicLink()).toBe(true);
  });
});

describe('ignore', () => {
  it('skips matching entries (names at any depth, anchored paths, folders whole) and lists them', async () => {
    const source = tempDir();
    writeTree(source, {
      'src/index.ts': 'ts',
      'src/debug.log': 'log',
      'app.log': 'log',
      'node_modules/a/index.js': 'a',
      'packages/p/node_modules/b.js': 'b',
      'build/out.js': 'out',
      'src/build/keep.js': 'kept: /build is anchored',
      'docs/drafts/one.md': 'draft',
      'docs/final.md': 'final',
      '.git/HEAD': 'ref',
    });
    const { manager, root } = newManager();
    const ignore = ['node_modules', '*.log', '/build', 'docs/drafts/**', '.git'];
    await manager.create(spec({ source, ignore }));
    await manager.whenComplete('app');
    expect(listTree(join(root, 'app'))).toEqual([
      'docs/',
      'docs/final.md',
      'packages/',
      'packages/p/',
      'src/',
      'src/build/',
      'src/build/keep.js',
      'src/index.ts',
    ]);
    const record = manager.get('app');
    expect(record?.ignore).toEqual(ignore);
    expect(record?.stats.skipped.sort()).toEqual(
      ['.git', 'app.log', 'build', 'docs/drafts', 'node_modules', 'packages/p/node_modules', 'src/debug.log'].sort(),
    );
  });
});
