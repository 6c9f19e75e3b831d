// Recognising the 2.x client's filesystem.mkdir / .exists commands, exactly as @computesdk/cmd quotes them.
import { escapeArgs, mkdir, test as testCmd } from '@computesdk/cmd';
import { describe, expect, it } from 'vitest';
import { commandPath, parseFileCommand } from '../../../src/daemon/commands/builtins.js';

describe('parseFileCommand', () => {
  it.each(['/app', 'app/src', "/it's here", '/a b/c', '/$HOME/`x`', "'", '/ü/ñ', '/a\nb'])('reads back the path of mkdir and test -e for %j', (path) => {
    expect(parseFileCommand(escapeArgs(mkdir(path)))).toEqual({ op: 'mkdir', path });
    expect(parseFileCommand(escapeArgs(testCmd.exists(path)))).toEqual({ op: 'exists', path });
  });

  it.each([
    'mkdir /app',
    'mkdir -p /a /b',
    "mkdir -p '/a' && rm -rf /",
    'mkdir -p /a; echo',
    "mkdir -p '/a",
    "mkdir -p '/a'b'",
    'mkdir -p $HOME',
    'test -e /a || touch /b',
    'test -f /a',
    ' mkdir -p /a',
    'mkdir -p /a ',
  ])('leaves any other command to the shell: %j', (command) => {
    expect(parseFileCommand(command)).toBeUndefined();
  });
});

describe('commandPath', () => {
  it.each([
    ['/', '/abs', '/abs'],
    ['/app', '/abs', '/abs'],
    ['/', 'rel', '/rel'],
    ['/app', 'rel/x', '/app/rel/x'],
    ['/app', '../../up', '/app/../../up'],
  ])('from cwd %s, %s is %s', (cwd, path, expected) => {
    expect(commandPath(cwd, path)).toBe(expected);
  });
});
