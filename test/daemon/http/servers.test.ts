// The 2.x servers routes over the unix socket, against the in-memory supervisor: statuses, envelopes, messages.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait.js';
import { startTestDaemon } from './harness.js';

describe('servers API', () => {
  it('starts, lists, retrieves, restarts, stops and deletes a server in the 2.x envelope', async () => {
    const { http, fake } = await startTestDaemon();
    const created = await http.call('POST', '/servers', { slug: 'api', start: 'node server.js', path: '/app', port: 3000, restart_delay_ms: 5 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'success', message: 'Server started', data: { server: { slug: 'api', path: '/app', port: 3000, restart_delay: 5_000_000 } } });
    expect(['starting', 'running', 'ready']).toContain(created.json.data.server.status);
    expect(fake.get('api')?.spec).toMatchObject({ kind: 'server', command: 'node server.js', cwd: '/app' });

    await waitFor(async () => (await http.call('GET', '/servers/api')).json.data.server.status === 'ready', { what: 'api ready' });
    const list = await http.call('GET', '/servers');
    expect(list.status).toBe(200);
    expect(list.json.data.servers.map((s: { slug: string }) => s.slug)).toEqual(['api']);

    const restarted = await http.call('POST', '/servers/api/restart');
    expect(restarted.status).toBe(200);
    expect(restarted.json.data.server.slug).toBe('api');

    const stopped = await http.call('POST', '/servers/api/stop');
    expect(stopped.json).toEqual({ status: 'success', message: 'Server stopped', data: { slug: 'api' } });
    expect(fake.get('api')?.status).toBe('stopped');

    expect((await http.call('DELETE', '/servers/api')).status).toBe(200);
    expect(fake.get('api')).toBeUndefined();
    expect((await http.call('GET', '/servers/api')).json).toEqual({ error: 'server "api" not found' });
  });

  it('updates an existing server with 200', async () => {
    const { http } = await startTestDaemon();
    expect((await http.call('POST', '/servers', { slug: 'a', start: 'x' })).status).toBe(201);
    const again = await http.call('POST', '/servers', { slug: 'a', start: 'y' });
    expect(again.status).toBe(200);
    expect(again.json.data.server.start).toBe('y');
  });

  it('returns logs as one string per stream', async () => {
    const { http, fake } = await startTestDaemon();
    await http.call('POST', '/servers', { slug: 'api', start: 'x' });
    fake.logs.append('api', 'stdout', 'hello');
    fake.logs.append('api', 'stderr', 'oops');
    const combined = await http.call('GET', '/servers/api/logs');
    expect(combined.json.data).toEqual({ slug: 'api', stream: 'combined', logs: 'hello\noops\n' });
    expect((await http.call('GET', '/servers/api/logs?stream=stderr')).json.data.logs).toBe('oops\n');
    const bad = await http.call('GET', '/servers/api/logs?stream=both');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('"stream" must be one of stdout, stderr, combined (got "both")');
  });

  it.each([
    ['bad JSON', '{"slug": "api",', 'invalid JSON in request body'],
    ['a port out of range', { slug: 'api', start: 'x', port: 70000 }, 'servers: "port" must be an integer between 1 and 65535'],
    ['a missing start', { slug: 'api' }, 'servers: "start" is required'],
    ['no body', undefined, 'servers: the request body must be a JSON object'],
    ['an inline overlay on a daemon without overlays (501)', { slug: 'api', start: 'x', overlay: { source: '/t', target: 'app' } }, 'overlays are not available on this daemon'],
    ['an inline overlay without a target', { slug: 'api', start: 'x', overlay: { source: '/t' } }, 'servers: "overlay.target" is required'],
    ['a path outside the sandbox', { slug: 'api', start: 'x', path: '/../..' }, 'servers: "path" escapes the sandbox root'],
  ])('answers 400 for %s', async (what, body, message) => {
    const { http, fake } = await startTestDaemon();
    const reply = await http.call('POST', '/servers', body);
    expect(reply.status).toBe(what.includes('(501)') ? 501 : 400);
    expect(reply.json.error).toContain(message);
    expect(fake.list()).toEqual([]);
  });

  it('answers 404 for unknown servers on every route, and for a service asked for as a server', async () => {
    const { http } = await startTestDaemon();
    await http.call('PUT', '/v1/services/db', { cmd: 'db' });
    for (const [method, path] of [
      ['GET', '/servers/nope'],
      ['POST', '/servers/nope/stop'],
      ['POST', '/servers/nope/restart'],
      ['DELETE', '/servers/nope'],
      ['GET', '/servers/nope/logs'],
      ['GET', '/servers/db'],
    ] as const) {
      const reply = await http.call(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json.error).toMatch(/^server "(nope|db)" not found$/);
    }
  });

  it('answers 409 when the slug is already a service', async () => {
    const { http } = await startTestDaemon();
    await http.call('PUT', '/v1/services/db', { cmd: 'db' });
    const reply = await http.call('POST', '/servers', { slug: 'db', start: 'x' });
    expect(reply.status).toBe(409);
    expect(reply.json.error).toBe('"db" is already a service; names are unique across servers and services');
  });

  it('answers /ready without an envelope', async () => {
    const { http } = await startTestDaemon();
    await http.call('POST', '/servers', { slug: 'web', start: 'x', port: 4000 });
    const ready = await waitFor(async () => {
      const reply = await http.call('GET', '/ready');
      return reply.json.ready === true && reply.json;
    }, { what: 'ready' });
    expect(ready).toEqual({ ready: true, healthy: true, servers: [{ slug: 'web', url: 'http://localhost:4000', status: 'ready' }], overlays: [] });
  });
});
