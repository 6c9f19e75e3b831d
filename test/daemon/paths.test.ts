import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfined } from '../../src/daemon/paths.js';
import { normaliseSandboxPath, PathEscapeError, sandboxToHost } from '../../src/contract/paths.js';
import { tempDir } from '../helpers/tmp.js';

describe('normaliseSandboxPath', () => {
  it.each([
    ['/app', '/app'],
    ['app', '/app'],
    ['/app/./src/', '/app/src'],
    ['/app/../lib', '/lib'],
    ['', '/'],
    ['/', '/'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseSandboxPath(input)).toBe(expected);
  });

  it.each(['..', '../..', '/..', '/app/../../etc', 'a/../../b'])('%j escapes', (input) => {
    expect(() => normaliseSandboxPath(input)).toThrow(PathEscapeError);
  });
});

describe('resolveConfined', () => {
  it('maps sandbox paths under the root, existing or not', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'app'));
    expect(sandboxToHost(root, '/app')).toBe(join(root, 'app'));
    expect(await resolveConfined(root, '/app/new/file.txt')).toBe(join(root, 'app/new/file.txt'));
  });

  it('refuses a symlink that leaves the root, and allows one that stays inside', async () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret'), 'x');
    mkdirSync(join(root, 'app'));
    symlinkSync(outside, join(root, 'app/out'));
    symlinkSync(join(root, 'app'), join(root, 'in'));
    await expect(resolveConfined(root, '/app/out/secret')).rejects.toThrow(PathEscapeError);
    await expect(resolveConfined(root, '/app/out/new')).rejects.toThrow(/through a symlink/);
    expect(await resolveConfined(root, '/in/x')).toBe(join(root, 'app/x'));
  });
});
