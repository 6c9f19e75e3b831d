// loadConfig end to end on real files: the Spec it builds (defaults, env layers, overlays, health checks, needs,
// inputs), the never-throw contract, and the default file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveComposeFiles } from '../../src/config/index.js';
import { PROJECT_LABEL } from '../../src/contract/unit.js';
import { tempDir } from '../helpers/tmp.js';
import { main } from '../../src/cli/main.js';
import { captureIO, writeFiles } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const fixture = (name: string, env: Record<string, string> = {}) => loadConfig({ files: [], cwd: join(FIXTURES, name), env });

describe('restart hashes', () => {
  it('are computed by default, and left empty with restartHashes: false (the same Spec otherwise)', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': 'servers:\n  web: { start: node w.js, port: 3000 }\nservices:\n  db: { cmd: db }\n' });
    const hashed = await loadConfig({ files: [], cwd: dir, env: {} });
    const bare = await loadConfig({ files: [], cwd: dir, env: {}, restartHashes: false });
    expect(Object.values(hashed.spec?.units ?? {}).map((unit) => unit.hash)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(Object.values(bare.spec?.units ?? {}).map((unit) => unit.hash)).toEqual(['', '']);
    const withoutHash = (spec: typeof hashed.spec) => Object.values(spec?.units ?? {}).map(({ hash: _, ...rest }) => rest);
    expect(withoutHash(bare.spec)).toEqual(withoutHash(hashed.spec));
  });
});

describe('the Spec', () => {
  it('fills defaults and maps the DESIGN.md example onto units and overlays', async () => {
    const dir = join(FIXTURES, 'valid-design-example');
    const { spec, errors } = await fixture('valid-design-example');
    expect(errors).toEqual([]);
    expect(spec?.name).toBe('shop');
    expect(spec?.sandbox).toEqual({ provider: 'local', envs: {}, metadata: {}, headers: {}, options: {}, create: {} });
    expect(spec?.overlays).toEqual([
      { id: 'app', source: `${dir}/templates/api`, target: '/app', strategy: 'smart', ignore: ['node_modules', '.git'], labels: { [PROJECT_LABEL]: 'shop' } },
    ]);
    const api = spec?.units.api;
    expect(api).toMatchObject({
      kind: 'server',
      command: 'npm start',
      install: 'npm install',
      cwd: '/app',
      port: 3000,
      strictPort: false,
      env: { API_KEY: 'abc', LOG_LEVEL: 'debug', NODE_ENV: 'development' },
      restartPolicy: 'on-failure',
      maxRestarts: 5,
      restartDelayMs: 1000,
      stopTimeoutMs: 10_000,
      healthCheck: { type: 'http', path: '/health', intervalMs: 2000, timeoutMs: 1500, delayMs: 0 },
      needs: { redis: { condition: 'healthy', restart: false } },
      overlays: ['app'],
      labels: { [PROJECT_LABEL]: 'shop' },
    });
    expect(spec?.units.redis).toMatchObject({
      kind: 'service',
      command: ['redis-server', '--port', '6379'],
      cwd: '/',
      restartPolicy: 'never',
      maxRestarts: 0,
      healthCheck: { type: 'tcp', port: 6379, intervalMs: 2000, timeoutMs: 1500, delayMs: 0 },
      overlays: [],
    });
    expect(spec?.inputs).toEqual([`${dir}/compute.yaml`, `${dir}/.env`, `${dir}/compute.override.yaml`, `${dir}/.env.api`]);
  });

  it('layers env as sandbox envs < env_file (in order) < inline, all as strings', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': [
        'sandbox: { envs: { LAYER: sandbox, S: s, NUM: 1 } }',
        'services:',
        '  w:',
        '    cmd: w',
        '    env_file: [one.env, two.env]',
        '    env: { LAYER: inline, BOOL: true, FLOAT: 1.5 }',
      ].join('\n'),
      'one.env': 'LAYER=one\nONE=1\nTWO=from-one\n',
      'two.env': 'LAYER=two\nTWO=from-two\n',
    });
    const { spec, errors } = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(errors).toEqual([]);
    expect(spec?.units.w?.env).toEqual({ LAYER: 'inline', S: 's', NUM: '1', ONE: '1', TWO: 'from-two', BOOL: 'true', FLOAT: '1.5' });
    expect(spec?.sandbox.envs).toEqual({ LAYER: 'sandbox', S: 's', NUM: '1' });
  });

  it('interpolates from the process env over .env, and types plain scalars after interpolation', async () => {
    const { spec, errors, warnings } = await fixture('valid-interpolation', { FROM_PROCESS: 'from-process' });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const web = spec?.units.web;
    expect(web?.command).toBe('node server.js --name shop --price $5 --home $HOME');
    expect(web?.port).toBe(8080);
    expect(web?.strictPort).toBe(true);
    expect(web?.env).toEqual({ GREETING: 'hello', EMPTY_DEFAULT: 'fallback', FROM_PROCESS: 'from-process' });
  });

  it('derives unique overlay ids from targets, and gates a unit on every overlay that holds its folder', async () => {
    const { spec, errors } = await fixture('valid-overlays-derived-ids');
    expect(errors).toEqual([]);
    expect(spec?.overlays.map((o) => [o.id, o.target])).toEqual([
      ['app', '/app'],
      ['app-3', '/app'],
      ['app-2', '/other'],
      ['root', '/'],
    ]);
    expect(spec?.units.web?.overlays).toEqual(['app-2', 'root', 'app', 'app-3']);
  });

  it('reads long-form needs with defaults', async () => {
    const { spec } = await fixture('valid-needs-long-form');
    expect(spec?.units.api?.needs).toEqual({ db: { condition: 'healthy', restart: true }, migrate: { condition: 'completed', restart: false } });
    expect(spec?.units.worker?.needs).toEqual({ api: { condition: 'healthy', restart: false } });
  });

  it('turns health_port and health_check into the four probe kinds', async () => {
    const { spec } = await fixture('valid-service-health-timing');
    expect(spec?.units.redis?.healthCheck).toEqual({ type: 'tcp', port: 6379, intervalMs: 500, timeoutMs: 200, delayMs: 0 });
    expect(spec?.units.queue?.healthCheck).toMatchObject({ type: 'log', pattern: 'ready on port \\d+' });
    expect(spec?.units.probe?.healthCheck).toMatchObject({ type: 'exec', command: 'test -f /tmp/ready' });
    expect(spec?.units.tcp?.healthCheck).toMatchObject({ type: 'tcp', port: 7000 });
  });

  it('drops x- extensions (but not x- variables in environment), and applies << merges', async () => {
    const { spec, resolved } = await fixture('valid-x-extensions-and-anchors');
    expect(Object.keys(spec?.units ?? {})).toEqual(['web', 'api']);
    expect(spec?.units.web).toMatchObject({ restartPolicy: 'on-failure', maxRestarts: 3, env: { NODE_ENV: 'production', 'x-not-dropped': 'kept, because environment keys are data' } });
    expect(spec?.units.api).toMatchObject({ restartPolicy: 'always', maxRestarts: 3 });
    expect(JSON.stringify(resolved)).not.toMatch(/"x-(defaults|env|template|note)"/);
  });

  it('names the project after its folder, as a slug, when `name` is not given', async () => {
    const dir = join(tempDir(), 'My Shop (v2)');
    writeFiles(dir, { 'compute.yaml': 'servers: { web: { start: x } }\n' });
    const { spec } = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(spec?.name).toBe('my-shop-v2');
    expect(spec?.units.web?.labels).toEqual({ [PROJECT_LABEL]: 'my-shop-v2' });
    expect(spec?.projectDir).toBe(dir);
  });

  it('treats keys like __proto__ and constructor as data', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'servers:\n  web:\n    start: x\n    environment: { __proto__: a, constructor: b }\n    needs: [constructor]\n',
    });
    const { spec, errors } = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(errors.map((e) => e.message)).toEqual(['`web` needs `constructor`, which is not a server or service']);
    expect(spec).toBeUndefined();
    const ok = writeFiles(tempDir(), { 'compute.yaml': 'servers:\n  web:\n    start: ${constructor}x\n    environment: { __proto__: a }\n' });
    const loaded = await loadConfig({ files: [], cwd: ok, env: {} });
    expect(Object.hasOwn(loaded.spec?.units.web?.env ?? {}, '__proto__')).toBe(true);
    expect(loaded.spec?.units.web?.command).toBe('x');
  });
});

describe('loadConfig never throws', () => {
  it.each<[string, (dir: string) => void, RegExp]>([
    ['a missing -f file', () => {}, /no such file/],
    ['a folder given as the file', (dir) => mkdirSync(join(dir, 'c.yaml')), /is a folder/],
    ['random bytes', (dir) => writeFileSync(join(dir, 'c.yaml'), Buffer.from([0, 255, 1, 0x7b, 0x5b, 10, 0x3a, 0xc3, 0x28])), /./],
    ['a scalar document', (dir) => writeFileSync(join(dir, 'c.yaml'), '42\n'), /must be a map/],
    ['a .env that is a folder', (dir) => (mkdirSync(join(dir, '.env')), writeFileSync(join(dir, 'c.yaml'), 'name: x\n')), /\.env is a folder/],
  ])('%s gives errors', async (_, make, message) => {
    const dir = tempDir();
    make(dir);
    const result = await loadConfig({ files: ['c.yaml'], cwd: dir, env: {} });
    expect(result.spec).toBeUndefined();
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(message);
    for (const error of result.errors) expect(error.line).toBeGreaterThanOrEqual(1);
  });

  it('reports a missing default file by name', async () => {
    const dir = tempDir();
    const result = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(result.errors).toEqual([{ severity: 'error', file: `${dir}/compute.yaml`, line: 1, col: 1, message: `no compute.yaml or compute.yml in ${dir} (name a file with -f FILE)` }]);
  });
});

describe('resolveComposeFiles', () => {
  it('prefers compute.yaml, then compute.yml, and resolves -f files against cwd', () => {
    const dir = writeFiles(tempDir(), { 'compute.yml': '', 'sub/x.yaml': '' });
    expect(resolveComposeFiles([], dir)).toEqual([`${dir}/compute.yml`]);
    writeFiles(dir, { 'compute.yaml': '' });
    expect(resolveComposeFiles([], dir)).toEqual([`${dir}/compute.yaml`]);
    expect(resolveComposeFiles(['sub/x.yaml', `${dir}/compute.yml`], dir)).toEqual([`${dir}/sub/x.yaml`, `${dir}/compute.yml`]);
    expect(() => resolveComposeFiles(['nope.yaml', 'sub/x.yaml', 'gone.yaml'], dir)).toThrow('no such file: nope.yaml, gone.yaml');
  });
});

describe('sandbox.provider', () => {
  const load = (yaml: string, env: Record<string, string> = {}) => {
    const dir = writeFiles(tempDir('compute-provider-'), { 'compute.yaml': yaml });
    return { dir, result: loadConfig({ files: [], cwd: dir, env }) };
  };

  it('passes options and create through as written, ${VAR}s replaced', async () => {
    const { result } = load('sandbox:\n  provider: e2b\n  name: shop-${PR}\n  options: { apiKey: "${E2B_API_KEY}", retries: 2 }\n  create: { templateId: node, resources: { cpu: 2 } }\n', { PR: '7', E2B_API_KEY: 'k' });
    const { spec, errors } = await result;
    expect(errors).toEqual([]);
    expect(spec?.sandbox).toMatchObject({ provider: 'e2b', name: 'shop-7', options: { apiKey: 'k', retries: 2 }, create: { templateId: 'node', resources: { cpu: 2 } } });
  });

  it('reads sandbox.headers as strings, ${VAR}s replaced, and compute config hides their values', async () => {
    const { dir, result } = load('sandbox:\n  provider: e2b\n  headers: { x-preview-token: "${PREVIEW}", x-port: 80 }\n', { PREVIEW: 'p' });
    expect((await result).spec?.sandbox.headers).toEqual({ 'x-preview-token': 'p', 'x-port': '80' });
    const io = captureIO(dir, { PREVIEW: 'p' });
    expect(await main(['config', '--json'], io)).toBe(0);
    expect((JSON.parse(io.out()) as { sandbox: { headers: unknown } }).sandbox.headers).toEqual({ 'x-preview-token': '***', 'x-port': '***' });
  });

  it('takes a module path from the file that names it', async () => {
    const { dir, result } = load('sandbox: { provider: ./providers/mine.mjs }\n');
    expect((await result).spec?.sandbox.provider).toBe(join(dir, 'providers/mine.mjs'));
  });

  it('refuses `computesdk` and what is no provider name, at their file:line:col', async () => {
    const { errors } = await load('sandbox:\n  provider: computesdk\n').result;
    expect(errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual([expect.stringMatching(/^2:13: sandbox\.provider: `computesdk` is the client, not a provider/)]);
    const bad = await load('sandbox: { provider: E2B }\n').result;
    expect(bad.errors[0]?.message).toMatch(/sandbox\.provider: "E2B" is not a provider/);
  });
});
