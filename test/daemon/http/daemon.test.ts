// startDaemon in-process: the state folder lock, the socket's mode, discovery files, TCP with a token, shutdown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DaemonRunningError } from '../../../src/daemon/http/lock.js';
import { redactSecrets, startDaemon } from '../../../src/daemon/main.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { FakeSupervisor } from './fake-supervisor.js';
import { rawClient, startTestDaemon } from './harness.js';

describe('startDaemon', () => {
  it('creates the socket with mode 0600 in a 0700 state folder, and writes the pidfile and daemon.json', async () => {
    const { daemon, stateDir, root, http } = await startTestDaemon();
    expect(statSync(daemon.socketPath).isSocket()).toBe(true);
    expect(statSync(daemon.socketPath).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(daemon.socketPath).toBe(join(stateDir, 'daemon.sock'));
    expect(readFileSync(join(stateDir, 'daemon.pid'), 'utf8').trim()).toBe(String(process.pid));
    const info = JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, socket: daemon.socketPath, root });
    expect(info.url).toBeUndefined();
    expect(Date.parse(info.started_at)).not.toBeNaN();
    expect((await http.call('GET', '/health')).json).toMatchObject({ status: 'ok' });
  });

  it('defaults the state folder to a sibling "state" of the root', async () => {
    const base = tempDir();
    const daemon = await startDaemon({ root: join(base, 'root'), createSupervisor: async ({ root }) => ({ supervisor: new FakeSupervisor(root) }) });
    try {
      expect(daemon.stateDir).toBe(join(base, 'state'));
      expect(existsSync(join(base, 'state', 'daemon.sock'))).toBe(true);
    } finally {
      await daemon.close();
    }
  });

  it('refuses a second daemon on the same state folder, and lets one start after the first closed', async () => {
    const { daemon, root, stateDir } = await startTestDaemon();
    const second = startDaemon({ root, stateDir, socketPath: join(tempDir(), 'other.sock'), createSupervisor: async () => ({ supervisor: new FakeSupervisor(root) }) });
    await expect(second).rejects.toThrow(DaemonRunningError);
    await expect(second).rejects.toThrow(`a daemon is already running for state folder ${stateDir} (pid ${process.pid})`);
    await daemon.close();
    expect(existsSync(daemon.socketPath)).toBe(false);
    expect(existsSync(join(stateDir, 'daemon.pid'))).toBe(false);
    expect(existsSync(join(stateDir, 'daemon.json'))).toBe(false);
    const third = await startTestDaemon({ root, stateDir });
    expect((await third.http.call('GET', '/health')).status).toBe(200);
  });

  it('replaces a stale socket and a stale pidfile left by a dead daemon', async () => {
    const base = tempDir();
    const stateDir = join(base, 'state');
    const socketPath = join(stateDir, 'daemon.sock');
    // A socket file nobody listens on, as a daemon killed with SIGKILL leaves it.
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const script = `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`;
    expect(spawnSync(process.execPath, ['-e', script]).signal).toBe('SIGKILL');
    expect(statSync(socketPath).isSocket()).toBe(true);
    writeFileSync(join(stateDir, 'daemon.pid'), '999999\n');
    const { daemon, http } = await startTestDaemon({ root: join(base, 'root'), stateDir });
    expect((await http.call('GET', '/health')).status).toBe(200);
    expect(readFileSync(join(stateDir, 'daemon.pid'), 'utf8').trim()).toBe(String(process.pid));
    expect(daemon.socketPath).toBe(socketPath);
  });

  it('refuses to replace a socket another process answers on, or a file that is not a socket', async () => {
    const base = tempDir();
    const busy = join(base, 'busy.sock');
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(busy, resolve));
    try {
      await expect(startTestDaemon({ root: join(base, 'root'), stateDir: join(base, 's1'), socketPath: busy })).rejects.toThrow(`socket ${busy} is in use by another process`);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
    const file = join(base, 'file.sock');
    writeFileSync(file, 'not a socket');
    await expect(startTestDaemon({ root: join(base, 'root'), stateDir: join(base, 's2'), socketPath: file })).rejects.toThrow('exists and is not a socket');
    expect(readFileSync(file, 'utf8')).toBe('not a socket');
    // The failed starts freed their locks.
    const ok = await startTestDaemon({ root: join(base, 'root'), stateDir: join(base, 's1') });
    expect((await ok.http.call('GET', '/health')).status).toBe(200);
  });

  it('stops every unit on POST /v1/shutdown, replies, then closes', async () => {
    const { daemon, fake, http } = await startTestDaemon();
    await http.call('POST', '/servers', { slug: 'api', start: 'x' });
    await waitFor(() => fake.get('api')?.status === 'ready', { what: 'api ready' });
    const reply = await http.call('POST', '/v1/shutdown');
    expect(reply.status).toBe(200);
    expect(fake.shutdownCalls).toBe(1);
    expect(fake.get('api')?.status).toBe('stopped');
    await daemon.closed;
    expect(existsSync(daemon.socketPath)).toBe(false);
  });

  it('answers 503 to changes while the units are being stopped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { daemon, http } = await startTestDaemon({
      supervisor: (root) => Object.assign(new FakeSupervisor(root), { shutdown: () => gate }),
    });
    const closing = daemon.close();
    const refused = await http.call('POST', '/servers', { slug: 'api', start: 'x' });
    expect(refused.status).toBe(503);
    expect(refused.json.error).toBe('the daemon is shutting down');
    expect((await http.call('GET', '/servers')).status).toBe(200);
    release();
    await closing;
  });

  it('answers 500 with the message for an unexpected error, and logs it', async () => {
    const { http, stateDir } = await startTestDaemon({
      supervisor: (root) => Object.assign(new FakeSupervisor(root), { upsert: async () => Promise.reject(new Error('disk on fire')) }),
    });
    const reply = await http.call('PUT', '/v1/services/db', { cmd: 'db' });
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ error: 'disk on fire' });
    await waitFor(() => readFileSync(join(stateDir, 'daemon.log'), 'utf8').includes('disk on fire'), { what: 'the error in daemon.log' });
  });
});

describe('TCP with a bearer token', () => {
  it('answers 401 without the token on every route but GET /health, and serves with it', async () => {
    const { daemon, stateDir } = await startTestDaemon({ listen: { host: '127.0.0.1', port: 0, token: 's3cret' } });
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(daemon.url).not.toMatch(/:0$/);
    expect(JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')).url).toBe(daemon.url);
    const tcp = rawClient({ url: daemon.url as string });
    expect((await tcp.call('GET', '/health')).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/servers'],
      ['GET', '/ready'],
      ['GET', '/v1/units'],
      ['POST', '/v1/shutdown'],
      ['GET', '/nowhere'],
    ]) {
      const reply = await tcp.call(method as string, path as string);
      expect(reply.status, `${method} ${path}`).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer');
      expect(reply.json.error).toMatch(/^unauthorized/);
    }
    expect((await tcp.call('GET', '/servers', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await tcp.call('GET', '/servers', undefined, { authorization: 's3cret' })).status).toBe(401);
    expect((await tcp.call('GET', '/servers', undefined, { authorization: 'Bearer s3cret' })).status).toBe(200);
  });
});

describe('redactSecrets', () => {
  it('hides the values of secret-looking keys at any depth and leaves the rest', () => {
    const input = {
      env: { API_KEY: 'a', GITHUB_TOKEN: 'b', db_password: 'c', MY_SECRET_THING: 'd', KEYBOARD: 'e', PATH: '/bin' },
      list: [{ token: 'f' }],
      keep: 1,
    };
    expect(redactSecrets(input)).toEqual({
      env: { API_KEY: '[redacted]', GITHUB_TOKEN: '[redacted]', db_password: '[redacted]', MY_SECRET_THING: '[redacted]', KEYBOARD: 'e', PATH: '/bin' },
      list: [{ token: '[redacted]' }],
      keep: 1,
    });
    expect(input.env.API_KEY).toBe('a');
  });

  it('copies an object seen twice, and cuts only a real cycle', () => {
    const shared = { SECRET: 'x', n: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactSecrets({ a: shared, b: shared, cyclic })).toEqual({
      a: { SECRET: '[redacted]', n: 1 },
      b: { SECRET: '[redacted]', n: 1 },
      cyclic: { name: 'loop', self: '[circular]' },
    });
  });
});
