// `compute config`: the resolved config as YAML or JSON, secrets hidden unless asked.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { captureIO, writeFiles } from '../config/helpers.js';
import { tempDir } from '../helpers/tmp.js';

const FILE = `x-common: &common
  restart_policy: on-failure
sandbox:
  envs: { GITHUB_TOKEN: ghp_x, REGION: eu }
services:
  db:
    cmd: postgres
    env: { db_password: hunter2, POSTGRES_USER: app, KEYBOARD: qwerty, MONKEY: banana }
servers:
  api:
    <<: *common
    start: node api.js --port \${PORT:-3000}
    env_file: api.env
    environment: { API_KEY: abc, MY_SECRET_VALUE: s, PUBLIC_URL: http://x, x-local: kept }
`;

function project() {
  return writeFiles(tempDir(), { 'compute.yaml': FILE, 'api.env': 'A=1\n' });
}

describe('compute config', () => {
  it('prints the merged, interpolated config as YAML, with absolute paths and without x- extensions', async () => {
    const dir = project();
    const io = captureIO(dir);
    expect(await main(['config'], io)).toBe(0);
    expect(io.err()).toBe('');
    const printed = parse(io.out()) as Record<string, any>;
    expect(Object.keys(printed)).toEqual(['sandbox', 'services', 'servers']);
    expect(printed.servers.api).toMatchObject({ start: 'node api.js --port 3000', env_file: join(dir, 'api.env'), restart_policy: 'on-failure' });
    expect(printed.servers.api.environment['x-local']).toBe('kept');
  });

  it('hides the values of secret-looking keys unless --show-secrets', async () => {
    const dir = project();
    const io = captureIO(dir);
    await main(['config'], io);
    const hidden = parse(io.out()) as Record<string, any>;
    expect(hidden.sandbox.envs).toEqual({ GITHUB_TOKEN: '***', REGION: 'eu' });
    expect(hidden.services.db.env).toEqual({ db_password: '***', POSTGRES_USER: 'app', KEYBOARD: 'qwerty', MONKEY: 'banana' });
    expect(hidden.servers.api.environment).toMatchObject({ API_KEY: '***', MY_SECRET_VALUE: '***', PUBLIC_URL: 'http://x' });
    expect(io.out()).not.toMatch(/ghp_x|hunter2|abc/);

    const shown = captureIO(dir);
    await main(['config', '--show-secrets'], shown);
    expect((parse(shown.out()) as Record<string, any>).services.db.env.db_password).toBe('hunter2');
  });

  it('prints JSON with --json', async () => {
    const io = captureIO(project(), { PORT: '4000' });
    expect(await main(['config', '--json', '--state-dir', 'x'], io)).toBe(0);
    const printed = JSON.parse(io.out()) as Record<string, any>;
    expect(printed.servers.api.start).toBe('node api.js --port 4000');
    expect(printed.servers.api.environment.API_KEY).toBe('***');
  });

  it('prints the errors and nothing on stdout when the config is invalid', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': 'servers:\n  api:\n    start: x\n    env_file: missing.env\n' });
    const io = captureIO(dir);
    expect(await main(['config'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toBe('compute.yaml:4:15: servers.api.env_file: env_file `missing.env` does not exist\n');
  });
});
