import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('sandboxToHost', () => {
  it('maps sandbox paths under the root, lexically', () => {
    const root = tempDir();
    expect(sandboxToHost(root, '/app')).toBe(join(root, 'app'));
    expect(sandboxToHost(root, 'app/../lib/x')).toBe(join(root, 'lib/x'));
  });
});
