// An empty compose file is an error for every command that reads it (issue 13): the built CLI exits 2 with
// `compute.yaml:1:1: the file is empty`, and `up` starts nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeProject } from './project-harness.js';

describe('an empty compose file', () => {
  it.each([
    ['validate', ''],
    ['config', '   \n'],
    ['plan', '# only a comment\n'],
    ['up', '~\n'],
  ])('`compute %s` exits 2 with file:1:1 (file: %j)', async (command, text) => {
    const dir = writeProject(text);
    const result = await runCli(dir, [command], {});
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toContain('compute.yaml:1:1: the file is empty');
    expect(result.stdout).toBe('');
    // No daemon was started for a config that does not load.
    expect(existsSync(join(dir, '.compute', 'state'))).toBe(false);
  });
});
