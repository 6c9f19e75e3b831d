// Merging compose files (src/config/merge.ts): table tests of mergeValues, and -f files merged by loadConfig.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { mergeValues } from '../../src/config/merge.js';
import type { Value } from '../../src/config/located.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFiles } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));

describe('mergeValues', () => {
  it.each<[string, Value, Value, Value]>([
    ['maps merge key by key', { a: 1, b: 2 }, { b: 3, c: 4 }, { a: 1, b: 3, c: 4 }],
    ['nested maps merge recursively', { s: { web: { port: 1, start: 'x' } } }, { s: { web: { port: 2 } } }, { s: { web: { port: 2, start: 'x' } } }],
    ['lists are replaced, not appended', { needs: ['a', 'b'] }, { needs: ['c'] }, { needs: ['c'] }],
    ['a later scalar wins', { name: 'a' }, { name: 'b' }, { name: 'b' }],
    ['a map replaces a list', { needs: ['a'] }, { needs: { b: null } }, { needs: { b: null } }],
    ['a list replaces a map', { needs: { b: null } }, { needs: ['a'] }, { needs: ['a'] }],
    ['a scalar replaces a map', { env: { A: '1' } }, { env: 'x' }, { env: 'x' }],
    ['null is a value that wins', { port: 3000 }, { port: null }, { port: null }],
    ['an empty map changes nothing', { a: 1 }, {}, { a: 1 }],
  ])('%s', (_, a, b, merged) => {
    const before = JSON.stringify([a, b]);
    expect(JSON.parse(JSON.stringify(mergeValues(a, b)))).toEqual(merged);
    expect(JSON.stringify([a, b])).toBe(before);
  });
});

describe('loadConfig with several -f files', () => {
  it('merges in order: maps by key, later scalars win, needs and args replaced', async () => {
    const result = await loadConfig({ files: ['compute.yaml', 'compute.override.yaml'], cwd: `${FIXTURES}valid-merge-override`, env: {} });
    expect(result.errors).toEqual([]);
    const units = result.spec?.units ?? {};
    expect(units.web?.port).toBe(4000);
    expect(units.web?.command).toBe('node server.js');
    expect(units.web?.env).toEqual({ A: '1', B: 'override' });
    expect(Object.keys(units.web?.needs ?? {})).toEqual(['cache']);
    expect(units.db?.command).toEqual(['postgres', '-p', '6543']);
    expect(result.spec?.files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['compute.yaml', 'compute.override.yaml']);
  });

  it('resolves relative paths against the file that wrote them', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'overlays:\n  - { source: ./code, target: /app }\nservers:\n  web: { start: x, env_file: web.env }\n',
      'envs/web.env': 'FROM=override\n',
      'web.env': 'FROM=base\n',
      'deploy/override.yaml': 'sandbox: { root: ../sandbox-root }\nservers:\n  web: { env_file: ../envs/web.env }\noverlays:\n  - { source: src, target: /app }\n',
    });
    const result = await loadConfig({ files: ['compute.yaml', 'deploy/override.yaml'], cwd: dir, env: {} });
    expect(result.errors).toEqual([]);
    expect(result.spec?.sandbox.root).toBe(`${dir}/sandbox-root`);
    expect(result.spec?.overlays.map((o) => o.source)).toEqual([`${dir}/deploy/src`]);
    expect(result.spec?.units.web?.env).toEqual({ FROM: 'override' });
    expect(result.spec?.inputs).toContain(`${dir}/envs/web.env`);
  });

  it('points errors at the file that wrote the bad value', async () => {
    const dir = writeFiles(tempDir(), {
      'a.yaml': 'servers:\n  web:\n    start: x\n    port: 3000\n',
      'b.yaml': 'servers:\n  web:\n    port: 0\n',
    });
    const result = await loadConfig({ files: ['a.yaml', 'b.yaml'], cwd: dir, env: {} });
    expect(result.errors).toEqual([{ severity: 'error', file: `${dir}/b.yaml`, line: 3, col: 11, message: 'servers.web.port: must be between 1 and 65535, got `0`' }]);
  });

  it('reports the errors of every file, not only the first', async () => {
    const dir = writeFiles(tempDir(), { 'a.yaml': 'servers: [\n', 'b.yaml': 'servers:\n  web: {start: "x\n' });
    const result = await loadConfig({ files: ['a.yaml', 'b.yaml'], cwd: dir, env: {} });
    expect(new Set(result.errors.map((e) => e.file))).toEqual(new Set([`${dir}/a.yaml`, `${dir}/b.yaml`]));
    expect(result.spec).toBeUndefined();
  });
});
