// The contract of the `bwrap` provider, driven only through the real computesdk 4.1.4 `compute({ provider })`: real
// bubblewrap sandboxes on this machine, real commands in them, a real HTTP server inside reached from the host.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';
import { leftovers, native, pidNamespaceOf, skipBwrap, useBwrap } from './bwrap-harness.js';

const FRESH = fileURLToPath(new URL('../fixtures/procs/bwrap-fresh.mjs', import.meta.url));
const SERVER = `const http = require('node:http');
http.createServer((req, res) => res.end(JSON.stringify({ url: req.url, pid: process.pid, greeting: process.env.GREETING })))
  .listen(Number(process.env.PORT));
`;

const bw = useBwrap();

// Fetches `url` once the server inside answers; each try has its own deadline (a forwarded port with no listener
// behind it yet accepts and then closes the connection).
async function fetchWhenUp(url: string): Promise<string> {
  return waitFor(async () => (await fetch(url, { signal: AbortSignal.timeout(1_000) })).text(), { what: `${url} to answer` });
}

describe.skipIf(skipBwrap)('bwrap provider through computesdk 4.x', () => {
  it('creates a running sandbox and runs commands with env, cwd, exit codes and output', async () => {
    const sandbox = await bw.sdk.sandbox.create({ envs: { FROM_CREATE: 'c', SHARED: 'create' } });
    expect(sandbox.provider).toBe('bwrap');
    expect(sandbox.sandboxId).toMatch(/^bw-[0-9a-f]{16}$/);
    const info = await sandbox.getInfo();
    expect(info).toMatchObject({ id: sandbox.sandboxId, provider: 'bwrap', status: 'running' });

    const env = await sandbox.runCommand('echo "$FROM_CREATE $SHARED $ONLY_HERE"', { env: { SHARED: 'command', ONLY_HERE: 'x y' } });
    expect(env).toMatchObject({ stdout: 'c command x y\n', stderr: '', exitCode: 0 });
    expect(env.durationMs).toBeGreaterThanOrEqual(0);
    expect((await sandbox.runCommand('pwd')).stdout).toBe('/app\n');
    expect((await sandbox.runCommand('pwd', { cwd: '/home' })).stdout).toBe('/home\n');

    const failed = await sandbox.runCommand('echo out; echo err >&2; exit 7');
    expect(failed).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 7 });
    const missingCwd = await sandbox.runCommand('true', { cwd: '/app/nowhere' });
    expect(missingCwd.exitCode).not.toBe(0);
    const timedOut = await sandbox.runCommand('sleep 30', { timeout: 200 });
    expect(timedOut.exitCode).toBe(137);
  });

  it('runs a background command that outlives the call, with its cwd and env', async () => {
    const sandbox = await bw.sdk.sandbox.create();
    await sandbox.filesystem.mkdir('/home/work');
    const started = await sandbox.runCommand('echo "$WORD" > started; exec sleep 300', { background: true, cwd: '/home/work', env: { WORD: 'hello' } });
    expect(started.exitCode).toBe(0);
    await waitFor(() => sandbox.filesystem.exists('/home/work/started'), { what: 'the background command to start' });
    expect(await sandbox.filesystem.readFile('/home/work/started')).toBe('hello\n');
    const ps = await sandbox.runCommand('for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done');
    expect(ps.stdout).toContain('sleep 300');
  });

  it('keeps files between commands: a filesystem round trip inside the sandbox', async () => {
    const sandbox = await bw.sdk.sandbox.create();
    const { filesystem } = sandbox;
    const text = 'line one\nlíne twö ✓\n';
    await filesystem.writeFile('/app/deep/er/file.txt', text);
    expect(await filesystem.readFile('/app/deep/er/file.txt')).toBe(text);
    expect(await filesystem.readFile('deep/er/file.txt')).toBe(text);
    expect((await sandbox.runCommand('cat /app/deep/er/file.txt')).stdout).toBe(text);
    await sandbox.runCommand('echo made by a command > /tmp/by-command');
    expect(await filesystem.readFile('/tmp/by-command')).toBe('made by a command\n');

    await filesystem.mkdir('/home/a/b');
    await filesystem.writeFile('/home/a/x.txt', 'x');
    const entries = await filesystem.readdir('/home/a');
    expect(entries.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: 'b', type: 'directory' },
      { name: 'x.txt', type: 'file' },
    ]);
    expect(entries[1]?.size).toBe(1);
    expect(await filesystem.exists('/home/a/x.txt')).toBe(true);
    expect(await filesystem.exists('/home/a/nothing')).toBe(false);
    await filesystem.remove('/home/a');
    expect(await filesystem.exists('/home/a')).toBe(false);
    await expect(filesystem.readFile('/app/missing')).rejects.toThrow(/reading \/app\/missing failed/);
    await expect(filesystem.writeFile('/usr/not-here', 'x')).rejects.toThrow(/Read-only file system/);

    // The private folders are kept on the host, in the sandbox's own folder.
    const { folder } = native(sandbox);
    expect(readFileSync(join(folder, 'fs/app/deep/er/file.txt'), 'utf8')).toBe(text);
  });

  it('reaches a server inside through getUrl from the host', async () => {
    const sandbox = await bw.sdk.sandbox.create({ envs: { GREETING: 'hi' } });
    await sandbox.filesystem.writeFile('/app/server.js', SERVER);
    await sandbox.runCommand('exec node server.js > /tmp/server.log 2>&1', { background: true, env: { PORT: '3000' } });
    const url = await sandbox.getUrl({ port: 3000 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const reply = JSON.parse(await fetchWhenUp(`${url}/path?q=1`)) as { url: string; pid: number; greeting: string };
    expect(reply).toMatchObject({ url: '/path?q=1', greeting: 'hi' });
    expect(reply.pid).toBeLessThan(100); // a pid of the sandbox's own PID namespace
    expect(await sandbox.getUrl({ port: 3000 })).toBe(url);
    expect(await bw.sdk.sandbox.getById(sandbox.sandboxId).then((again) => again?.getUrl({ port: 3000 }))).toBe(url);
  });

  it('finds a sandbox from a fresh process, and a sandbox outlives the process that made it', async () => {
    const sandbox = await bw.sdk.sandbox.create();
    await sandbox.filesystem.writeFile('/app/marker', 'from the test');
    const child = spawn(process.execPath, [FRESH, bw.root, sandbox.sandboxId], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const reply = JSON.parse(out) as { found: string; marker: string; created: string; pid: number };
    expect(reply).toMatchObject({ found: sandbox.sandboxId, marker: 'from the test' });

    const orphan = await bw.sdk.sandbox.getById(reply.created);
    expect(orphan?.sandboxId).toBe(reply.created);
    expect(await orphan?.filesystem.readFile('/home/creator')).toBe(String(reply.pid));
    expect((await orphan?.runCommand('echo still here'))?.stdout).toBe('still here\n');
    expect((await orphan?.getInfo())?.metadata).toMatchObject({ name: 'made-by-a-fresh-process' });
  });

  it('lists the sandboxes under its root, and not those destroyed', async () => {
    const one = await bw.sdk.sandbox.create({ name: 'one', namespace: 'shop' });
    const two = await bw.sdk.sandbox.create({ name: 'two' });
    const ids = async () => (await bw.sdk.sandbox.list()).map((sandbox) => sandbox.sandboxId).sort();
    expect(await ids()).toEqual([one.sandboxId, two.sandboxId].sort());
    await bw.sdk.sandbox.destroy(one.sandboxId);
    expect(await ids()).toEqual([two.sandboxId]);
    expect(await bw.sdk.sandbox.getById(one.sandboxId)).toBeNull();
    expect(await bw.sdk.sandbox.getById('bw-0000000000000000')).toBeNull();
  });

  it('destroy leaves no process, no mount and no folder', async () => {
    const sandbox = await bw.sdk.sandbox.create();
    await sandbox.filesystem.writeFile('/app/server.js', SERVER);
    await sandbox.runCommand('exec node server.js', { background: true, env: { PORT: '8080' } });
    await sandbox.runCommand('sleep 600 & sleep 601 & setsid sleep 602 &', { background: true });
    const url = await sandbox.getUrl({ port: 8080 });
    await fetchWhenUp(url);
    const instance = native(sandbox);
    const ns = pidNamespaceOf(instance.record.init.pid);
    expect(ns).toBeDefined();
    expect(leftovers(instance, ns).length).toBeGreaterThan(3);

    await sandbox.destroy();
    expect(leftovers(instance, ns)).toEqual([]);
    expect(existsSync(instance.folder)).toBe(false);
    expect(await bw.sdk.sandbox.getById(sandbox.sandboxId)).toBeNull();
    await expect(fetch(url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    await bw.sdk.sandbox.destroy(sandbox.sandboxId); // destroying again is not an error
  });

  it('says a sandbox whose init was killed behind its back is gone, and clears what it left', async () => {
    const sandbox = await bw.sdk.sandbox.create();
    const instance = native(sandbox);
    const ns = pidNamespaceOf(instance.record.init.pid);
    process.kill(instance.record.init.pid, 'SIGKILL');
    await waitFor(() => !isAlive(instance.record.init.pid), { what: 'the init to end' });
    expect(await bw.sdk.sandbox.getById(sandbox.sandboxId)).toBeNull();
    expect(leftovers(instance, ns)).toEqual([]);
    expect(existsSync(instance.folder)).toBe(false);
    await expect(sandbox.runCommand('true')).rejects.toThrow(/is gone/);
  });
});
