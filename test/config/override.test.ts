// compute.override.yaml: merged over compute.yaml when no -f is given, exactly as a second -f (as compose merges
// compose.override.yaml), with its errors pointing into it and its path among the inputs `up --watch` watches.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig, resolveComposeFiles } from '../../src/config/index.js';
import { tempDir } from '../helpers/tmp.js';
import { captureIO, writeFiles } from './helpers.js';

const BASE = 'servers:\n  web:\n    start: node web.js\n    port: 3000\n    environment: { A: "1", B: base }\n';
const OVERRIDE = 'servers:\n  web:\n    port: 4000\n    environment: { B: override }\n';

describe('resolveComposeFiles without -f', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['the default file alone', { 'compute.yaml': BASE }, ['compute.yaml']],
    ['compute.override.yaml after it', { 'compute.yaml': BASE, 'compute.override.yaml': OVERRIDE }, ['compute.yaml', 'compute.override.yaml']],
    ['compute.override.yml after it', { 'compute.yaml': BASE, 'compute.override.yml': OVERRIDE }, ['compute.yaml', 'compute.override.yml']],
    ['beside compute.yml too', { 'compute.yml': BASE, 'compute.override.yaml': OVERRIDE }, ['compute.yml', 'compute.override.yaml']],
    ['.yaml first when both are there', { 'compute.yaml': BASE, 'compute.override.yaml': OVERRIDE, 'compute.override.yml': OVERRIDE }, ['compute.yaml', 'compute.override.yaml']],
  ])('%s', (_, files, expected) => {
    const dir = writeFiles(tempDir(), files);
    expect(resolveComposeFiles([], dir)).toEqual(expected.map((name) => `${dir}/${name}`));
  });

  it('an override file alone is no project', () => {
    const dir = writeFiles(tempDir(), { 'compute.override.yaml': OVERRIDE });
    expect(() => resolveComposeFiles([], dir)).toThrow('no compute.yaml or compute.yml in');
  });

  it('with -f, the override file is not merged (name it with -f to have it)', () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': BASE, 'compute.override.yaml': OVERRIDE });
    expect(resolveComposeFiles(['compute.yaml'], dir)).toEqual([`${dir}/compute.yaml`]);
  });
});

describe('loadConfig with an override file', () => {
  it('merges it as a second -f would', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': BASE, 'compute.override.yaml': OVERRIDE });
    const auto = await loadConfig({ files: [], cwd: dir, env: {} });
    const named = await loadConfig({ files: ['compute.yaml', 'compute.override.yaml'], cwd: dir, env: {} });
    expect(auto.errors).toEqual([]);
    expect(auto.spec?.units.web).toMatchObject({ port: 4000, command: 'node web.js', env: { A: '1', B: 'override' } });
    expect(auto.spec).toEqual(named.spec);
    expect(auto.spec?.files).toEqual([`${dir}/compute.yaml`, `${dir}/compute.override.yaml`]);
    expect(auto.spec?.inputs).toEqual([`${dir}/compute.yaml`, `${dir}/compute.override.yaml`, `${dir}/.env`]);
  });

  it('watches for one to come when there is none (only without -f: with -f it would not be read)', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': BASE });
    expect((await loadConfig({ files: [], cwd: dir, env: {} })).spec?.inputs).toEqual([`${dir}/compute.yaml`, `${dir}/.env`, `${dir}/compute.override.yaml`]);
    expect((await loadConfig({ files: ['compute.yaml'], cwd: dir, env: {} })).spec?.inputs).toEqual([`${dir}/compute.yaml`, `${dir}/.env`]);
  });

  it.each<[string, string, { line: number; col: number; message: string }]>([
    ['a bad value', 'servers:\n  web:\n    port: 0\n', { line: 3, col: 11, message: 'servers.web.port: must be between 1 and 65535, got `0`' }],
    ['an unknown key', 'servers:\n  web:\n    prot: 1\n', { line: 3, col: 5, message: 'unknown key `prot` in servers.web; did you mean `port`?' }],
    ['a need that names nothing', 'servers:\n  web:\n    needs: [dbb]\n', { line: 3, col: 13, message: '`web` needs `dbb`, which is not a server or service' }],
    ['broken YAML', 'servers:\n  web: {port: 1\n', { line: 3, col: 1, message: '' }],
  ])('points %s in it at the override file, line and column', async (_, override, where) => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': BASE, 'compute.override.yaml': override });
    const { errors, spec } = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(spec).toBeUndefined();
    expect(errors[0]).toMatchObject({ file: `${dir}/compute.override.yaml`, line: where.line, col: where.col });
    if (where.message !== '') expect(errors[0]?.message).toBe(where.message);
  });

  it('resolves its relative paths against its own folder', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': BASE, 'compute.override.yaml': 'servers:\n  web: { env_file: web.env }\n', 'web.env': 'C=3\n' });
    const { spec } = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(spec?.units.web?.env).toMatchObject({ C: '3' });
    expect(spec?.inputs).toContain(`${dir}/web.env`);
  });
});

describe('the commands', () => {
  it('`compute config` shows the merged result', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': BASE, 'compute.override.yaml': OVERRIDE });
    const io = captureIO(dir);
    expect(await main(['config', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ servers: { web: { start: 'node web.js', port: 4000, environment: { A: '1', B: 'override' } } } });
  });

  it('`compute validate` prints errors in the override file as compute.override.yaml:line:col', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': BASE, 'compute.override.yaml': 'servers:\n  web:\n    port: 0\n' });
    const io = captureIO(dir);
    expect(await main(['validate'], io)).toBe(2);
    expect(io.err()).toBe('compute.override.yaml:3:11: servers.web.port: must be between 1 and 65535, got `0`\n');
  });
});
