// Issue 15's everyday loop on the real quickstart: edit app/api.mjs and the API answers the new text, after a plain
// `up -d` (plan shows the sync first) and on save under `up --watch`.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { BIN, compute, copyExample, get, ps, start, succeeds, watchProject } from './harness.js';

function edit(dir: string, from: string, to: string): void {
  const file = join(dir, 'app', 'api.mjs');
  writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
}

const message = async (url: string) => (JSON.parse((await get(url)).body) as { message: string }).message;

describe('overlay sync on the quickstart', () => {
  it('plan shows the sync, and a plain up -d syncs it and restarts the api: curl answers the new text', { timeout: 180_000 }, async () => {
    const dir = copyExample('quickstart');
    const env = { API_PORT: String(await freePort()) };
    const url = `http://127.0.0.1:${env.API_PORT}/`;
    await succeeds(compute(dir, ['up', '-d'], env, 120_000), 'compute up -d');
    expect(await message(url)).toBe('hello from compute');

    edit(dir, 'hello from compute', 'hello from the sync engine');
    writeFileSync(join(dir, 'app', 'notes.txt'), 'new\n');
    const plan = await succeeds(compute(dir, ['plan'], env), 'compute plan');
    expect(plan.stdout).toMatch(/~ overlay app +sync \(2 changed, 0 deleted\)/);
    expect(plan.stdout).toMatch(/~ api +restart \(overlay app changed\)/);

    const up = await succeeds(compute(dir, ['up', '-d'], env, 120_000), 'compute up -d after the edit');
    expect(up.stderr).toContain('overlay app synced (2 changed, 0 deleted)');
    expect(await message(url)).toBe('hello from the sync engine');
    const target = join(dir, '.compute', 'root', 'app');
    expect(readFileSync(join(target, 'notes.txt'), 'utf8')).toBe('new\n');

    // Deleting a source file deletes the overlay's copy; a file a unit made in the target stays (one-way, source wins).
    writeFileSync(join(target, 'made-by-a-unit.txt'), 'mine\n');
    rmSync(join(dir, 'app', 'notes.txt'));
    expect((await succeeds(compute(dir, ['plan'], env), 'compute plan')).stdout).toMatch(/sync \(0 changed, 1 deleted\)/);
    await succeeds(compute(dir, ['up', '-d'], env, 120_000), 'compute up -d after the delete');
    expect(() => readFileSync(join(target, 'notes.txt'))).toThrow(/ENOENT/);
    expect(readFileSync(join(target, 'made-by-a-unit.txt'), 'utf8')).toBe('mine\n');
    expect((await succeeds(compute(dir, ['plan'], env), 'compute plan')).stdout).toContain('No changes');
    await succeeds(compute(dir, ['down'], env), 'compute down');
  });

  it('under up --watch a save is synced and the api restarted: curl answers the new text', { timeout: 180_000 }, async () => {
    const dir = copyExample('quickstart');
    const env = { API_PORT: String(await freePort()) };
    const url = `http://127.0.0.1:${env.API_PORT}/`;
    const cli = start(process.execPath, [BIN, 'up', '--watch'], { cwd: dir, env });
    await waitFor(() => cli.stderr().includes('overlay source'), { what: 'the watch to begin', timeoutMs: 120_000 });
    expect(await message(url)).toBe('hello from compute');

    edit(dir, 'hello from compute', 'hello, saved under watch');
    await waitFor(async () => (await message(url).catch(() => '')) === 'hello, saved under watch', { what: 'the new text', timeoutMs: 30_000 });
    expect(cli.stderr()).toContain('change detected in overlay app (api.mjs); syncing');

    cli.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    await succeeds(compute(dir, ['down'], env), 'compute down');
  });
});

describe('a source that goes away under up --watch', () => {
  it('is one warning, the units keep running, and the save that brings it back resumes the sync', { timeout: 180_000 }, async () => {
    const dir = copyExample('quickstart');
    const env = { API_PORT: String(await freePort()) };
    const url = `http://127.0.0.1:${env.API_PORT}/`;
    const cli = start(process.execPath, [BIN, 'up', '--watch'], { cwd: dir, env });
    await waitFor(() => cli.stderr().includes('overlay source'), { what: 'the watch to begin', timeoutMs: 120_000 });
    const before = (await ps(dir, [], env)).map((row) => row.pid);

    renameSync(join(dir, 'app'), join(dir, 'app-renamed'));
    await waitFor(() => cli.stderr().includes('is gone; nothing is synced'), { what: 'the warning' });
    expect(await message(url)).toBe('hello from compute');
    expect((await ps(dir, [], env)).map((row) => row.pid)).toEqual(before);
    expect(readFileSync(join(dir, '.compute', 'root', 'app', 'api.mjs'), 'utf8')).toContain('hello from compute');

    renameSync(join(dir, 'app-renamed'), join(dir, 'app'));
    edit(dir, 'hello from compute', 'hello again');
    await waitFor(async () => (await message(url).catch(() => '')) === 'hello again', { what: 'the sync to resume', timeoutMs: 30_000 });
    expect(cli.stderr().split('is gone; nothing is synced').length - 1).toBe(1);
    cli.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    await succeeds(compute(dir, ['down'], env), 'compute down');
  });
});

describe('the flapping guard of up --watch', () => {
  it('stops a unit that writes into its own overlay source from restarting forever, and names the path', { timeout: 180_000 }, async () => {
    const dir = join(tempDir('compute-e2e-flap-'), 'flap');
    const app = join(dir, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'build.mjs'), "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.OUT, String(Date.now()));\nsetInterval(() => {}, 1000);\n");
    const yaml = [
      'name: flap',
      'overlays:',
      '  - source: ./app',
      '    target: /app',
      '    on_change:',
      '      - path: "*.txt"',
      '        action: restart',
      'servers:',
      '  build:',
      '    start: node build.mjs',
      '    path: /app',
      `    environment: { OUT: ${JSON.stringify(join(app, 'out.txt'))} }`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'compute.yaml'), yaml);
    watchProject(dir);
    const cli = start(process.execPath, [BIN, 'up', '--watch'], { cwd: dir });
    await waitFor(() => cli.stderr().includes('overlay source'), { what: 'the watch to begin', timeoutMs: 120_000 });
    // A save starts the loop: restart → the unit writes out.txt into its own source → sync → restart ...
    writeFileSync(join(app, 'kick.txt'), 'go');
    await waitFor(() => /overlay app: out\.txt changed again after each of the last restarts/.test(cli.stderr()), { what: 'the flap warning', timeoutMs: 90_000 });
    const pid = (await ps(dir)).find((row) => row.name === 'build')?.pid;
    // A later save of another file is synced (out.txt with it), and restarts nothing: the loop is over.
    writeFileSync(join(app, 'marker.md'), 'synced');
    await waitFor(() => existsSync(join(dir, '.compute', 'root', 'app', 'marker.md')), { what: 'the marker synced' });
    await waitFor(() => cli.stderr().split('overlay app synced').length > 1 && /marker\.md/.test(cli.stderr()), { what: 'the marker apply' });
    expect((await ps(dir)).find((row) => row.name === 'build')?.pid).toBe(pid);
    cli.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    await succeeds(compute(dir, ['down']), 'compute down');
  });
});
