// The seed services API over the unix socket, against the in-memory supervisor.
import { describe, expect, it } from 'vitest';
import { startTestDaemon } from './harness.js';

describe('services API', () => {
  it('defines without starting, then starts, stops, lists and deletes', async () => {
    const { http, fake } = await startTestDaemon();
    const defined = await http.call('PUT', '/v1/services/redis', { cmd: 'redis-server', args: ['--port', '6379'], health_port: 6379 });
    expect(defined.status).toBe(201);
    expect(defined.json).toMatchObject({ status: 'success', data: { service: { name: 'redis', cmd: 'redis-server', args: ['--port', '6379'], health_port: 6379, status: 'stopped', pid: null } } });
    expect(fake.get('redis')?.status).toBe('stopped');

    const started = await http.call('POST', '/v1/services/redis/start');
    expect(started.status).toBe(200);
    expect(started.json.data.service.status).toBe('running');

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
