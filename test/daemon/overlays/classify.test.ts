import { describe, expect, it } from 'vitest';
import { classifyEntry, compileIgnore, rewriteLink, SMART_SYMLINK_DIRS } from '../../../src/contract/overlay-rules.js';
import { overlayIdFor } from '../../../src/daemon/overlays/records.js';

describe('compileIgnore', () => {
  it.each([
    // [patterns, path, isDir, ignored]
    [['node_modules'], 'node_modules', true, true],
    [['node_modules'], 'packages/a/node_modules', true, true],
    [['node_modules'], 'src/node_modules.ts', false, false],
    [['*.log'], 'debug.log', false, true],
    [['*.log'], 'logs/deep/x.log', false, true],
    [['*.log'], '.hidden.log', false, true],
    [['.git'], '.git', true, true],
    [['/build'], 'build', true, true],
    [['/build'], 'sub/build', true, false],
    [['src/gen/**'], 'src/gen/a/b.ts', false, true],
    [['src/gen/**'], 'lib/src/gen/a.ts', false, false],
    [['**/dist'], 'a/b/dist', true, true],
    [['cache/'], 'cache', true, true],
    [['cache/'], 'cache', false, false],
    [['a.txt', 'b.txt'], 'x/b.txt', false, true],
    [[], 'anything', false, false],
    [['', '  '], 'anything', false, false],
  ])('%j on %j (dir %j) → %j', (patterns, path, isDir, expected) => {
    expect(compileIgnore(patterns)(path, isDir)).toBe(expected);
  });
});

describe('classifyEntry', () => {
  const symlinkDirs = new Set([...SMART_SYMLINK_DIRS, 'deps']);
  const ignored = compileIgnore(['.git', 'node_modules/.cache']);
  it.each([
    ['smart', 'node_modules', true, 'link-dir'],
    ['smart', 'a/b/.venv', true, 'link-dir'],
    ['smart', 'vendor', true, 'link-dir'],
    ['smart', 'deps', true, 'link-dir'],
    ['smart', 'vendor', false, 'copy'],
    ['smart', 'src', true, 'copy'],
    ['copy', 'node_modules', true, 'copy'],
    ['smart', '.git', true, 'skip'],
    ['copy', 'node_modules/.cache', true, 'skip'],
  ] as const)('%s: %j (dir %j) → %s', (strategy, path, isDir, expected) => {
    expect(classifyEntry(path, isDir, { strategy, ignored, symlinkDirs })).toBe(expected);
  });

  it('lets ignore win over smart symlinking', () => {
    const opts = { strategy: 'smart' as const, ignored: compileIgnore(['node_modules']), symlinkDirs };
    expect(classifyEntry('node_modules', true, opts)).toBe('skip');
  });
});

describe('rewriteLink', () => {
  const src = '/templates/app';
  it.each([
    // [link path, link text, expected]
    ['a', 'b', 'b'],
    ['dir/a', '../b', '../b'],
    ['dir/a', './sub/../c', 'c'],
    ['a', '/templates/app/lib/x', 'lib/x'],
    ['dir/a', '/templates/app/lib/x', '../lib/x'],
    ['dir/a', '/templates/app', '..'],
    ['dir/self', '.', '.'],
    ['a', '/templates/app/dir', 'dir'],
    ['a', '../outside', null],
    ['dir/a', '../../etc/passwd', null],
    ['a', '/etc/passwd', null],
    ['a', '/templates/application', null],
    ['a', '/templates', null],
    ['a', '..', null],
  ])('%j → %j gives %j', (link, text, expected) => {
    expect(rewriteLink(link, text, src)).toBe(expected);
  });
});

describe('overlayIdFor', () => {
  it('gives one id per normalised target', () => {
    expect(overlayIdFor('app')).toBe(overlayIdFor('/app/'));
    expect(overlayIdFor('/app')).not.toBe(overlayIdFor('/web'));
    expect(overlayIdFor('/app')).toMatch(/^overlay-[0-9a-f]{16}$/);
    expect(() => overlayIdFor('../x')).toThrow(/escapes the sandbox root/);
  });
});
