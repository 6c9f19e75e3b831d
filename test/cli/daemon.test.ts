// `compute daemon`: argument errors in-process; the real thing spawned as `node bin/compute.js daemon`.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/daemon.js';
import { reportError } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { findMarkedLeaders } from '../../src/daemon/units/adopt.js';
import { connect, type SandboxClient } from '../../src/sdk/index.js';
import { isAlive, processGroupMembers } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));

// The command as the CLI entry runs it: its exit code, or the one its error maps to.
async function runDaemon(args: string[], io: CliIO): Promise<number> {
  return run(args, io).catch((error: unknown) => reportError(error, io));
}

function captureIO(): CliIO & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false, env: {}, cwd: process.cwd() } as CliIO & { out: string; err: string };
  io.stdout = (text) => void (io.out += text);
  io.stderr = (text) => void (io.err += text);
  return io;
}

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: Spawned[] = [];
const clients: SandboxClient[] = [];
const groups: number[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const spawned of children.splice(0)) {
    if (spawned.child.exitCode === null && spawned.child.signalCode === null) {
      spawned.child.kill('SIGTERM');
      await spawned.exited;
    }
  }
  // Units of a daemon killed with SIGKILL outlive it: end their groups too.
  for (const pgid of groups.splice(0)) {
    for (const pid of processGroupMembers(pgid)) process.kill(pid, 'SIGKILL');
  }
});

function spawnDaemon(args: string[]): Spawned {
  const child = spawn(process.execPath, [BIN, 'daemon', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const spawned = { child, stdout: () => out, stderr: () => err, exited };
  children.push(spawned);
  return spawned;
}

function track(client: SandboxClient): SandboxClient {
  clients.push(client);
  return client;
}

describe('compute daemon arguments', () => {
  it('documents the default state folder in --help', async () => {
    const io = captureIO();
    expect(await runDaemon(['--help'], io)).toBe(0);
    expect(io.out).toContain('--state DIR');
    expect(io.out).toContain('(default: DIR/../state');
  });

  it.each([
    [['--listen', '127.0.0.1:0'], 'daemon: --root DIR is required'],
    [['--root', '/tmp/x', '--listen', '127.0.0.1:0'], 'daemon: --listen needs a token (COMPUTE_DAEMON_TOKEN or --token-file PATH)'],
    [['--root', '/tmp/x', '--listen', 'localhost', '--token', 't'], 'daemon: --listen must be HOST:PORT with a port from 0 to 65535, got "localhost"'],
    [['--root', '/tmp/x', '--listen', '[::1]:99999', '--token', 't'], 'daemon: --listen must be HOST:PORT'],
    [['--root', '/tmp/x', '--log-level', 'loud'], 'daemon: --log-level must be one of trace, debug, info, warn, error, fatal, silent, got "loud"'],
    [['--root', '/tmp/x', '--bogus'], 'unknown option --bogus for compute daemon (compute daemon --help lists them)'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const io = captureIO();
    expect(await runDaemon(args, io)).toBe(2);
    expect(io.err).toContain(message);
  });
});

describe('compute daemon tokens', () => {
  const LONG = 'a-token-of-24-characters';

  it.each([
    ['--token', ['--token', 'short'], {}, 'the token (--token) has 5 characters; it needs at least 16'],
    ['COMPUTE_DAEMON_TOKEN', [], { COMPUTE_DAEMON_TOKEN: '123456789012345' }, 'the token (COMPUTE_DAEMON_TOKEN) has 15 characters; it needs at least 16'],
    ['both flags', ['--token', LONG, '--token-file', '/nonexistent'], {}, 'give --token or --token-file, not both'],
    ['a missing file', ['--token-file', '/nonexistent/token'], {}, 'cannot read --token-file /nonexistent/token'],
  ])('refuses %s with one line (exit 2)', async (_, args, env, message) => {
    const io = captureIO();
    io.env = env;
    expect(await runDaemon(['--root', '/tmp/x', '--listen', '127.0.0.1:0', ...args], io)).toBe(2);
    expect(io.err).toContain(`daemon: ${message}`);
    expect(io.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses a --token-file that group or others can read, naming its mode', async () => {
    const file = join(tempDir('compute-token-'), 'token');
    writeFileSync(file, `${LONG}\n`);
    chmodSync(file, 0o644);
    const io = captureIO();
    expect(await runDaemon(['--root', '/tmp/x', '--listen', '127.0.0.1:0', '--token-file', file], io)).toBe(2);
    expect(io.err).toContain(`daemon: --token-file ${file} is open to group or others (mode 0644); make it private: chmod 600 ${file}`);
  });

  it('serves TCP with the token of a 0600 --token-file: 401 without it, 200 with it', async () => {
    const base = tempDir('compute-cli-');
    const file = join(base, 'token');
    writeFileSync(file, `${LONG}\n`, { mode: 0o600 });
    // An existing root: a leak sweep of another test run kills a daemon whose --root folder is missing.
    mkdirSync(join(base, 'root'));
    const daemon = spawnDaemon(['--root', join(base, 'root'), '--listen', '127.0.0.1:0', '--token-file', file]);
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(daemon.stdout())?.[1], { what: 'the URL line' });
    expect(await fetch(`${url}/v1/units`).then((reply) => reply.status)).toBe(401);
    expect(await fetch(`${url}/v1/units`, { headers: { authorization: 'Bearer wrong-token-of-24-chars!' } }).then((reply) => reply.status)).toBe(401);
    // The file's trailing newline is not part of the token.
    expect(await fetch(`${url}/v1/units`, { headers: { authorization: `Bearer ${LONG}` } }).then((reply) => reply.status)).toBe(200);
    // Nothing on the command line gives the token away.
    expect(readFileSync(`/proc/${daemon.child.pid}/cmdline`, 'utf8')).not.toContain(LONG);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });
});

describe('compute daemon, spawned', () => {
  it('serves a 0600 socket and TCP with a token, prints its URL, and stops its units and exits 0 on SIGTERM', async () => {
    const base = tempDir('compute-cli-');
    const stateDir = join(base, 'state');
    const daemon = spawnDaemon(['--root', join(base, 'root'), '--listen', '127.0.0.1:0', '--token', 'T0KEN-0123456789abcdef', '--log-level', 'debug']);
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(daemon.stdout())?.[1], { what: 'the URL line' });
    const socketPath = join(stateDir, 'daemon.sock');
    expect(daemon.stdout()).toContain(`listening on unix:${socketPath}\n`);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8'))).toMatchObject({ pid: daemon.child.pid, url, socket: socketPath });

    const anonymous = track(connect({ url, token: '' }));
    expect(await anonymous.health()).toMatchObject({ status: 'ok' });
    await expect(anonymous.units()).rejects.toMatchObject({ status: 401 });

    const sdk = track(connect({ url, token: 'T0KEN-0123456789abcdef' }));
    const server = await sdk.server.start({ slug: 'sleeper', start: 'sleep 300', environment: { API_KEY: 'hunter2-do-not-log' } });
    const pid = await waitFor(async () => (await sdk.server.retrieve('sleeper')).pid, { what: 'the unit pid' });
    groups.push(pid);
    expect(server.slug).toBe('sleeper');
    expect(isAlive(pid)).toBe(true);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(processGroupMembers(pid)).toEqual([]);
    expect(existsSync(socketPath)).toBe(false);
    const log = readFileSync(join(stateDir, 'daemon.log'), 'utf8');
    expect(log.split('\n').filter(Boolean).every((line) => JSON.parse(line).pid === daemon.child.pid)).toBe(true);
    expect(log).toContain('"msg":"daemon stopped"');
    expect(log).not.toContain('hunter2-do-not-log');
  });

  it('stops and exits 0 on SIGINT (Ctrl-C) as well', async () => {
    const base = tempDir('compute-cli-');
    const daemon = spawnDaemon(['--root', join(base, 'root')]);
    await waitFor(() => daemon.stdout().includes('listening on unix:'), { what: 'the daemon' });
    daemon.child.kill('SIGINT');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(base, 'state', 'daemon.sock'))).toBe(false);
    expect(existsSync(join(base, 'state', 'daemon.pid'))).toBe(false);
  });

  it('stops cleanly on a SIGTERM that comes while it is still starting (clients may already have found it)', async () => {
    const base = tempDir('compute-cli-');
    const stateDir = join(base, 'state');
    const daemon = spawnDaemon(['--root', join(base, 'root')]);
    // daemon.json is written once the socket answers, before the supervisor is up: the earliest a client can find it.
    await waitFor(() => existsSync(join(stateDir, 'daemon.json')), { intervalMs: 1, what: 'daemon.json' });
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    for (const file of ['daemon.sock', 'daemon.json', 'daemon.pid']) expect(existsSync(join(stateDir, file)), file).toBe(false);
  });

  it('exits 1 with a clear message when a daemon already holds the state folder', async () => {
    const base = tempDir('compute-cli-');
    const first = spawnDaemon(['--root', join(base, 'root')]);
    await waitFor(() => first.stdout().includes('listening on unix:'), { what: 'the first daemon' });
    const second = spawnDaemon(['--root', join(base, 'root'), '--socket', join(base, 'other.sock')]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toBe(`compute: daemon: a daemon is already running for state folder ${join(base, 'state')} (pid ${first.child.pid})\n`);
  });

  it('takes over after a daemon was killed with SIGKILL, and adopts its running unit instead of starting another', async () => {
    const { args, socketPath, pid } = await sleeperThenSigkill();
    expect(isAlive(pid)).toBe(true);
    expect(statSync(socketPath).isSocket()).toBe(true);

    const second = spawnDaemon(args);
    await waitFor(() => second.stdout().includes('listening on unix:'), { what: 'the second daemon' });
    const after = track(connect({ socketPath }));
    const adopted = await after.services.get('sleeper');
    expect(adopted).toMatchObject({ status: 'running', pid });
    expect(processGroupMembers(pid).length).toBeGreaterThan(0);
  });

  it('adopts a unit whose pid never reached the state file (a crash right after the spawn), by its markers', async () => {
    const { base, args, socketPath, statePath, pid } = await sleeperThenSigkill();
    // Rewrite the state file as it was just before the spawn: the unit starting, no pid recorded.
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { units: Array<{ state: Record<string, unknown>; pidStartTime?: number }> };
    for (const unit of state.units) {
      delete unit.state.pid;
      delete unit.pidStartTime;
      unit.state.status = 'starting';
    }
    writeFileSync(statePath, JSON.stringify(state));

    const second = spawnDaemon(args);
    await waitFor(() => second.stdout().includes('listening on unix:'), { what: 'the second daemon' });
    const after = track(connect({ socketPath }));
    await waitFor(async () => (await after.unit('sleeper'))?.status === 'ready', { what: 'the adopted unit to be ready' });
    expect((await after.unit('sleeper'))?.pid).toBe(pid);
    const leaders = findMarkedLeaders(realpathSync(join(base, 'state'))).filter((leader) => leader.unit === 'sleeper');
    expect(leaders.map((leader) => leader.pid)).toEqual([pid]);
  });
});

// A daemon running one service (`sleep 300`), killed with SIGKILL once the unit's pid is on disk (a reply may come
// before the write); the unit outlives it.
async function sleeperThenSigkill() {
  const base = tempDir('compute-cli-');
  const args = ['--root', join(base, 'root')];
  const socketPath = join(base, 'state', 'daemon.sock');
  const statePath = join(base, 'state', 'state.json');
  const first = spawnDaemon(args);
  await waitFor(() => first.stdout().includes('listening on unix:'), { what: 'the first daemon' });
  const before = track(connect({ socketPath }));
  await before.services.upsert('sleeper', { cmd: 'sleep', args: ['300'] });
  await before.services.start('sleeper');
  const pid = await waitFor(async () => (await before.services.get('sleeper')).pid, { what: 'the unit pid' });
  groups.push(pid);
  await waitFor(() => readFileSync(statePath, 'utf8').includes(String(pid)), { what: 'the pid in state.json' });
  first.child.kill('SIGKILL');
  await first.exited;
  return { base, args, socketPath, statePath, pid };
}
