// Conformance with a client nobody here wrote: a spawned `compute daemon --listen 127.0.0.1:0 --token T`, driven
// only through computesdk@2.5.4's Sandbox (servers, overlays, commands, files), checking every field the client reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox } from 'computesdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { isAlive, processGroupMembers } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const TOKEN = 'conformance-token';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

// Node 20 has no global WebSocket and the constructor insists on one; these tests make HTTP calls only.
class NoWebSocket {
  constructor() {
    throw new Error('this test makes HTTP calls only; nothing may open a WebSocket');
  }
}

// The server the 2.x client starts: answers /health with its GREETING, logs one line to each stream.
const SERVER = `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(JSON.stringify({ path: req.url, greeting: process.env.GREETING })));
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write('hello from ' + process.pid + '\\n');
  process.stderr.write('warming up ' + process.pid + '\\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

type ServerInfo = Awaited<ReturnType<Sandbox['server']['retrieve']>>;
// What runCommand returns at run time for a background command (its declared type leaves the ids out).
type CommandIds = { cmdId?: string; terminalId?: string; status?: string };

interface Daemon {
  child: ChildProcess;
  url: string;
  root: string;
  exited: Promise<unknown>;
}

let daemon: Daemon;

beforeEach(async () => {
  const base = tempDir('compute-conformance-');
  const root = join(base, 'root');
  const child = spawn(process.execPath, [BIN, 'daemon', '--root', root, '--state', join(base, 'state'), '--listen', '127.0.0.1:0', '--token', TOKEN], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (err += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  daemon = { child, root, exited, url: '' };
  daemon.url = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`compute daemon exited: ${err}`);
    return /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out)?.[1];
  }, { what: 'the daemon\'s URL' });
});

afterEach(async () => {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
});

function sandbox(token = TOKEN): Sandbox {
  return new Sandbox({ sandboxUrl: daemon.url, sandboxId: 'conformance', provider: 'local', token, WebSocket: NoWebSocket as never });
}

/** A host template folder with the server script in it. */
function template(): string {
  const dir = tempDir('compute-template-');
  writeFileSync(join(dir, 'server.mjs'), SERVER);
  mkdirSync(join(dir, 'public'));
  writeFileSync(join(dir, 'public', 'index.html'), '<h1>hi</h1>\n');
  return dir;
}

function expectServerInfo(info: ServerInfo): void {
  expect(typeof info.slug).toBe('string');
  expect(typeof info.start).toBe('string');
  expect(typeof info.path).toBe('string');
  expect(info.status).toMatch(/^(installing|starting|running|ready|failed|stopped|restarting)$/);
  expect(info.created_at).toMatch(ISO);
  expect(info.updated_at).toMatch(ISO);
  expect(info.exit_code === null || typeof info.exit_code === 'number').toBe(true);
  expect(typeof info.restart_count).toBe('number');
  expect(typeof info.restart_delay).toBe('number');
  expect(typeof info.stop_timeout).toBe('number');
}

async function untilReady(client: Sandbox, slug: string, otherThan?: number): Promise<ServerInfo> {
  return waitFor(async () => {
    const info = await client.server.retrieve(slug);
    if (info.status === 'failed') throw new Error(`server failed: ${JSON.stringify(info)}`);
    return info.status === 'ready' && info.pid !== otherThan ? info : undefined;
  }, { what: `${slug} to be ready`, timeoutMs: 40_000 });
}

describe('computesdk@2.5.4 against compute daemon', () => {
  it('scaffolds with an overlay, then starts, lists, reads the logs of, restarts, stops and deletes a server', async () => {
    const client = sandbox();
    const source = template();
    const created = await client.createOverlay({ source, target: 'app', strategy: 'copy' });
    expect(created).toMatchObject({ source, target: '/app', strategy: 'copy', stats: { copied_files: expect.any(Number), copied_dirs: expect.any(Number), skipped: [] } });
    expect(created.created_at).toMatch(ISO);
    expect(['pending', 'in_progress', 'complete']).toContain(created.copy_status);
    const overlay = await client.filesystem.overlay.waitForCompletion(created.id, { initialDelayMs: 20, maxDelayMs: 200, maxRetries: 200 });
    expect(overlay).toMatchObject({ id: created.id, strategy: 'copy', copyStatus: 'complete', stats: { copiedFiles: 2, copiedDirs: 1, skipped: [] } });
    expect((await client.filesystem.overlay.list()).map((o) => o.id)).toEqual([created.id]);

    // A free port now; should another process take it first, the daemon moves on to the next free one (strict_port false).
    const requested = await freePort();
    const started = await client.server.start({
      slug: 'api',
      install: 'echo installing deps',
      start: `exec ${process.execPath} server.mjs`,
      path: '/app',
      port: requested,
      environment: { GREETING: 'hello' },
      restart_policy: 'on-failure',
      max_restarts: 3,
      restart_delay_ms: 500,
      stop_timeout_ms: 3000,
      health_check: { path: '/health', interval_ms: 200, timeout_ms: 1000, delay_ms: 0 },
      depends_on: [created.id],
    });
    expectServerInfo(started);
    expect(started).toMatchObject({ slug: 'api', path: '/app' });

    const ready = await untilReady(client, 'api');
    expectServerInfo(ready);
    const port = ready.port as number;
    expect(port).toBeGreaterThanOrEqual(requested);
    expect(ready).toMatchObject({
      slug: 'api',
      install: 'echo installing deps',
      start: `exec ${process.execPath} server.mjs`,
      path: '/app',
      environment: { GREETING: 'hello' },
      strict_port: false,
      depends_on: [created.id],
      port,
      url: `http://localhost:${port}`,
      status: 'ready',
      restart_policy: 'on-failure',
      max_restarts: 3,
      restart_delay: 500_000_000,
      stop_timeout: 3_000_000_000,
      restart_count: 0,
      exit_code: null,
      health_check: { path: '/health', interval_ms: 200, timeout_ms: 1000, delay_ms: 0 },
      healthy: true,
      health_status: { consecutive_failures: 0 },
    });
    const first = ready.pid as number;
    expect(isAlive(first)).toBe(true);
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ path: '/health', greeting: 'hello' });

    expect((await client.server.list()).map((s) => s.slug)).toEqual(['api']);
    expect(await client.ready()).toMatchObject({
      ready: true,
      healthy: true,
      servers: [{ slug: 'api', port, url: `http://localhost:${port}`, status: 'ready', healthy: true, health_check: { consecutive_failures: 0 } }],
      overlays: [{ id: created.id, source, target: '/app', copy_status: 'complete' }],
    });

    const combined = await waitFor(async () => {
      const logs = await client.server.logs('api');
      return logs.logs.includes(`warming up ${first}`) && logs.logs.includes(`hello from ${first}`) ? logs : undefined;
    }, { what: 'both lines in the combined log' });
    expect(combined).toMatchObject({ slug: 'api', stream: 'combined' });
    expect(combined.logs).toContain('installing deps\n');
    const stdout = await client.server.logs('api', { stream: 'stdout' });
    expect(stdout).toMatchObject({ slug: 'api', stream: 'stdout' });
    expect(stdout.logs).toContain(`hello from ${first}\n`);
    expect(stdout.logs).not.toContain('warming up');
    const stderr = await client.server.logs('api', { stream: 'stderr' });
    expect(stderr).toMatchObject({ slug: 'api', stream: 'stderr', logs: `warming up ${first}\n` });

    const restarted = await client.server.restart('api');
    expectServerInfo(restarted);
    expect(restarted.slug).toBe('api');
    const again = await untilReady(client, 'api', first);
    expect(again.pid).not.toBe(first);
    await waitFor(() => !isAlive(first), { what: 'the first process to be gone' });

    await client.server.stop('api');
    const stopped = await client.server.retrieve('api');
    expect(stopped.status).toBe('stopped');
    expect(processGroupMembers(again.pid as number)).toEqual([]);

    await client.server.delete('api');
    await expect(client.server.retrieve('api')).rejects.toThrow('API request failed (404): server "api" not found');
    expect(await client.server.list()).toEqual([]);

    await client.filesystem.overlay.destroy(created.id);
    expect(existsSync(join(daemon.root, 'app', 'server.mjs'))).toBe(false);
  });

  it('runs commands: in the foreground, with a timeout (background and wait), and in the background', async () => {
    const client = sandbox();
    await client.filesystem.mkdir('/work');
    const result = await client.runCommand('pwd; echo "$GREETING"; echo warn >&2', { cwd: '/work', env: { GREETING: 'hi' } });
    expect(result).toMatchObject({ stdout: `${realpathSync(join(daemon.root, 'work'))}\nhi\n`, stderr: 'warn\n', exitCode: 0, status: 'completed' });
    expect(typeof result.durationMs).toBe('number');
    expect(await client.runCommand('exit 7')).toMatchObject({ exitCode: 7, status: 'failed' });

    // runCommand(…, { timeout }) runs in the background and long-polls /terminals/{terminal_id}/commands/{cmd_id}/wait.
    const timed = await client.runCommand('sleep 0.2; echo waited', { timeout: 30 });
    expect(timed).toMatchObject({ stdout: 'waited\n', stderr: '', exitCode: 0, status: 'completed', terminalId: 'exec', cmdId: expect.stringMatching(/^cmd_/) });

    const background = (await client.runCommand('sleep 0.2; echo later', { background: true })) as CommandIds;
    expect(background).toMatchObject({ stdout: '', status: 'running', terminalId: 'exec', cmdId: expect.stringMatching(/^cmd_/) });
    const done = await client.run.waitForCompletion(background.terminalId as string, background.cmdId as string, { timeoutSeconds: 30 });
    expect(done).toMatchObject({ stdout: 'later\n', exitCode: 0, status: 'completed', cmdId: background.cmdId });
  });

  it('writes, reads, lists, checks and removes files, confined to the sandbox root', async () => {
    const client = sandbox();
    await client.filesystem.writeFile('/notes/today.txt', 'hello from the client');
    expect(readFileSync(join(daemon.root, 'notes', 'today.txt'), 'utf8')).toBe('hello from the client');
    expect(await client.filesystem.readFile('/notes/today.txt')).toBe('hello from the client');
    const listed = await client.filesystem.readdir('/notes');
    expect(listed).toEqual([{ name: 'today.txt', type: 'file', size: 21, modified: expect.any(Date) }]);
    expect(Number.isNaN(listed[0]?.modified?.getTime())).toBe(false);

    // filesystem.mkdir and .exists run `mkdir -p` and `test -e` as commands: they must act on sandbox paths.
    await client.filesystem.mkdir('/notes/archive');
    expect(existsSync(join(daemon.root, 'notes', 'archive'))).toBe(true);
    expect((await client.filesystem.readdir('/notes')).map((f) => [f.name, f.type])).toEqual([['archive', 'directory'], ['today.txt', 'file']]);
    expect(await client.filesystem.exists('/notes/today.txt')).toBe(true);
    expect(await client.filesystem.exists('/notes/nope.txt')).toBe(false);
    expect(await client.file.exists('/notes/today.txt')).toBe(true);

    const file = await client.getFile('/notes/today.txt');
    expect(file.data.file).toMatchObject({ name: 'today.txt', path: '/notes/today.txt', size: 21, is_dir: false });
    expect(file.data.file.modified_at).toMatch(ISO);

    await client.filesystem.remove('/notes/today.txt');
    expect(existsSync(join(daemon.root, 'notes', 'today.txt'))).toBe(false);
    expect(await client.file.exists('/notes/today.txt')).toBe(false);

    await expect(client.filesystem.writeFile('../outside.txt', 'x')).rejects.toThrow('API request failed (403): path "../outside.txt" escapes the sandbox root');
    await expect(client.filesystem.readFile('/notes/today.txt')).rejects.toThrow('API request failed (404): no such file or folder: "/notes/today.txt"');
  });

  it('answers 401 to a client without the token, except for the health check', async () => {
    await expect(sandbox('wrong').server.list()).rejects.toThrow(/^API request failed \(401\): unauthorized/);
    expect((await fetch(`${daemon.url}/health`)).status).toBe(200);
  });
});
