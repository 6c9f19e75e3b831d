// The seed services API over the unix socket: against the in-memory supervisor, then the real one with real processes.
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon/main.js';
import { freePort } from '../../helpers/net.js';
import { processGroupMembers } from '../../helpers/procs.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { rawClient, startTestDaemon } from './harness.js';

describe('services API', () => {
  it('defines without starting, then starts, stops, lists and deletes', async () => {
    const { http, fake } = await startTestDaemon();
    const defined = await http.call('PUT', '/v1/services/redis', { cmd: 'redis-server', args: ['--port', '6379'], health_port: 6379 });
    expect(defined.status).toBe(201);
    expect(defined.json).toMatchObject({ status: 'success', data: { service: { name: 'redis', cmd: 'redis-server', args: ['--port', '6379'], health_port: 6379, status: 'stopped', pid: null } } });
    expect(fake.get('redis')?.status).toBe('stopped');

    const started = await http.call('POST', '/v1/services/redis/start');
    expect(started.status).toBe(200);
    // Started but not yet accepting connections on its health port: the seed's running is not true yet.
    expect(started.json.data.service.status).toBe('unknown');

    const updated = await http.call('PUT', '/v1/services/redis', { cmd: 'redis-server' });
    expect(updated.status).toBe(200);
    expect(updated.json.data.service.args).toEqual([]);

    expect((await http.call('GET', '/v1/services/redis')).json.data.service.name).toBe('redis');
    const stopped = await http.call('POST', '/v1/services/redis/stop');
    expect(stopped.json.data.service.status).toBe('stopped');
    expect((await http.call('GET', '/v1/services')).json.data.services).toHaveLength(1);
    expect((await http.call('DELETE', '/v1/services/redis')).json).toMatchObject({ status: 'success', data: { name: 'redis' } });
    expect((await http.call('GET', '/v1/services')).json.data.services).toEqual([]);
  });

  it('passes the supervisor\'s 400 on through (a need that does not exist)', async () => {
    const { http } = await startTestDaemon();
    const reply = await http.call('PUT', '/v1/services/app', { cmd: 'app', needs: ['db'] });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('unit app needs unknown unit db');
  });

  it.each([
    ['a wrong type', '/v1/services/x', { cmd: 'x', health_port: 'redis' }, 400, 'services: "health_port" must be an integer between 1 and 65535'],
    ['an unknown field', '/v1/services/x', { cmd: 'x', command: 'y' }, 400, 'services: unknown field "command"'],
    ['a bad name', '/v1/services/a..b%2Fc', { cmd: 'x' }, 400, 'services: "a..b/c" is not a valid name'],
    ['bad JSON', '/v1/services/x', 'cmd=x', 400, 'invalid JSON in request body'],
  ])('answers 400 for %s', async (_what, path, body, status, message) => {
    const { http } = await startTestDaemon();
    const reply = await http.call('PUT', path, body);
    expect(reply.status).toBe(status);
    expect(reply.json.error).toContain(message);
  });

  it('answers 404 for unknown services and for a server asked for as a service', async () => {
    const { http } = await startTestDaemon();
    await http.call('POST', '/servers', { slug: 'web', start: 'x' });
    for (const [method, path] of [
      ['GET', '/v1/services/nope'],
      ['POST', '/v1/services/nope/start'],
      ['POST', '/v1/services/nope/stop'],
      ['DELETE', '/v1/services/nope'],
      ['GET', '/v1/services/web'],
    ] as const) {
      const reply = await http.call(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json.error).toMatch(/^service "(nope|web)" not found$/);
    }
    expect((await http.call('PUT', '/v1/services/web', { cmd: 'x' })).status).toBe(409);
  });
});

describe('services API with the real supervisor', () => {
  const LISTENER = fileURLToPath(new URL('../../fixtures/procs/listener.mjs', import.meta.url));
  // Records where and with what it runs, then listens only if its need (db) already accepts connections.
  const API = `const fs = require('node:fs'), net = require('node:net');
fs.writeFileSync('started.json', JSON.stringify({ cwd: process.cwd(), role: process.env.ROLE, args: process.argv.slice(1) }));
net.connect(Number(process.env.DB_PORT), '127.0.0.1')
  .on('connect', () => net.createServer().listen(Number(process.env.API_PORT), '127.0.0.1'))
  .on('error', () => process.exit(9));`;
  const daemons: RunningDaemon[] = [];

  afterEach(async () => {
    for (const daemon of daemons.splice(0)) await daemon.close();
  });

  it('defines services with cmd, args, env, working_dir, health_port and needs; start starts the needs first', async () => {
    const base = tempDir('compute-services-');
    const daemon = await startDaemon({ root: join(base, 'root'), stateDir: join(base, 'state') });
    daemons.push(daemon);
    const http = rawClient({ socketPath: daemon.socketPath });
    mkdirSync(join(base, 'root', 'srv'));
    const [dbPort, apiPort] = [await freePort(), await freePort()];

    // db takes a while to listen: an api started alongside it (not after it is healthy) would find no db and exit 9.
    const db = await http.call('PUT', '/v1/services/db', { cmd: '/bin/sh', args: ['-c', `sleep 0.5; exec "$0" "$@"`, process.execPath, LISTENER, String(dbPort)], health_port: dbPort });
    expect(db).toMatchObject({ status: 201, json: { data: { service: { name: 'db', status: 'stopped', pid: null, health_port: dbPort } } } });
    const definition = {
      cmd: process.execPath,
      args: ['-e', API, 'extra-arg'],
      env: { ROLE: 'api', DB_PORT: String(dbPort), API_PORT: String(apiPort) },
      working_dir: '/srv',
      health_port: apiPort,
      needs: ['db'],
    };
    const api = await http.call('PUT', '/v1/services/api', definition);
    expect(api.status).toBe(201);
    expect(api.json.data.service).toMatchObject({ ...definition, name: 'api', status: 'stopped', healthy: false, restart_count: 0 });
    expect((await http.call('GET', '/v1/services')).json.data.services.map((s: { name: string }) => s.name)).toEqual(['api', 'db']);

    // api waits for db: neither its process nor its port is there, so it is not running in the seed's sense.
    expect((await http.call('POST', '/v1/services/api/start')).json.data.service).toMatchObject({ name: 'api', status: 'unknown', pid: null });
    const healthy = await waitFor(async () => {
      const got = (await http.call('GET', '/v1/services/api')).json.data.service;
      if (got.status === 'failed') throw new Error(`api failed: ${got.reason}`);
      return got.healthy === true ? got : undefined;
    }, { what: 'api to be healthy' });
    expect(healthy).toMatchObject({ status: 'running', pid: expect.any(Number), working_dir: '/srv', health_port: apiPort, needs: ['db'] });
    expect((await http.call('GET', '/v1/services/db')).json.data.service).toMatchObject({ status: 'running', healthy: true });
    const started = JSON.parse(readFileSync(join(base, 'root', 'srv', 'started.json'), 'utf8'));
    expect(started).toEqual({ cwd: realpathSync(join(base, 'root', 'srv')), role: 'api', args: ['extra-arg'] });

    const stopped = await http.call('POST', '/v1/services/api/stop');
    expect(stopped.json.data.service).toMatchObject({ name: 'api', status: 'stopped' });
    expect(processGroupMembers(healthy.pid)).toEqual([]);
    expect((await http.call('GET', '/v1/services/db')).json.data.service.status).toBe('running');
    const dbPid = (await http.call('GET', '/v1/services/db')).json.data.service.pid as number;
    expect((await http.call('POST', '/v1/services/db/stop')).json.data.service.status).toBe('stopped');
    expect(processGroupMembers(dbPid)).toEqual([]);

    for (const name of ['api', 'db']) expect(await http.call('DELETE', `/v1/services/${name}`)).toMatchObject({ status: 200, json: { data: { name } } });
    expect((await http.call('GET', '/v1/services')).json.data.services).toEqual([]);
  });
});
