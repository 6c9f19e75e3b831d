// `compute validate`, driven in-process through main() and once as the built CLI.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, writeFiles } from '../config/helpers.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));

const VALID = `overlays:
  - { source: ./code, target: /app }
servers:
  web: { start: node web.js, path: /app/web, needs: [db] }
  api:
    start: node api.js
    port: \${API_PORT}
  docs: { start: node docs.js }
services:
  db: { cmd: postgres }
  cache: { cmd: redis-server }
`;

describe('compute validate', () => {
  it('prints a one-line summary and exits 0 for a valid file, warnings first on stderr', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': VALID.replace('${API_PORT}', '3000') });
    const io = captureIO(dir);
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toBe('ok: 3 servers, 2 services, 1 overlay\n');
    expect(io.err()).toBe('');

    const warned = writeFiles(tempDir(), { 'compute.yaml': VALID.replace('${API_PORT}', '3000').replace('node api.js', 'node api.js ${UNSET_THING}') });
    const io2 = captureIO(warned);
    await main(['validate'], io2);
    expect(io2.err()).toBe('compute.yaml:6:24: warning: variable `UNSET_THING` is not set; using an empty string\n');
  });

  it('prints every error as file:line:col: message and exits 2', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'servers:\n  web:\n    start: x\n    port: 0\n    needs: [nope]\n  api:\n    strat: y\n',
    });
    const io = captureIO(dir);
    expect(await main(['validate'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(
      [
        'compute.yaml:4:11: servers.web.port: must be between 1 and 65535, got `0`',
        'compute.yaml:6:3: servers.api: missing required key `start`',
        'compute.yaml:7:5: unknown key `strat` in servers.api; did you mean `start`?',
        '',
      ].join('\n'),
    );
  });

  it('takes several -f files, merged in order, and names files relative to where it runs', async () => {
    const dir = writeFiles(tempDir(), {
      'deploy/base.yaml': VALID,
      'deploy/prod.yaml': 'servers:\n  api: { port: 70000 }\n',
    });
    const io = captureIO(dir, { API_PORT: '3000' });
    expect(await main(['validate', '-f', 'deploy/base.yaml', '--file', 'deploy/prod.yaml'], io)).toBe(2);
    expect(io.err()).toBe('deploy/prod.yaml:2:16: servers.api.port: must be between 1 and 65535, got `70000`\n');
    const ok = captureIO(dir, { API_PORT: '3000' });
    expect(await main(['validate', '-f', 'deploy/base.yaml', '--state-dir', '/tmp/ignored'], ok)).toBe(0);
  });

  it('gives one clear line when there is no compose file, or an unknown flag', async () => {
    const dir = tempDir();
    const io = captureIO(dir);
    expect(await main(['validate'], io)).toBe(2);
    expect(io.err()).toBe(`compute: no compute.yaml or compute.yml in ${dir} (name a file with -f FILE)\n`);
    const missing = captureIO(dir);
    expect(await main(['validate', '-f', 'nope.yaml'], missing)).toBe(2);
    expect(missing.err()).toBe('compute: no such file: nope.yaml\n');
    const flag = captureIO(dir);
    expect(await main(['validate', '--jsn'], flag)).toBe(2);
    expect(flag.err()).toBe('compute: unknown option --jsn for compute validate (compute validate --help lists them)\n');
  });

  it('prints its help', async () => {
    const io = captureIO(tempDir());
    expect(await main(['validate', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: compute validate \[-f FILE\]\.\.\./);
  });

  it('works as the built command, with exit codes and output a script can rely on', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': VALID, 'bad.yaml': 'servers:\n  web: { start: [x] }\n' });
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, API_PORT: '8080' } }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    expect(await run(['validate'])).toMatchObject({ code: 0, stdout: 'ok: 3 servers, 2 services, 1 overlay\n', stderr: '' });
    expect(await run(['validate', '-f', 'bad.yaml'])).toMatchObject({ code: 2, stdout: '', stderr: 'bad.yaml:2:10: servers.web.start: must be a string, got a list\n' });
  });
});
