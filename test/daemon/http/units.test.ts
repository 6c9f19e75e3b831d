// Our unit API for the reconciler, over the unix socket, against the in-memory supervisor.
import { describe, expect, it } from 'vitest';
import { serverSpec, serviceSpec } from '../../../src/daemon/http/wire/specs.js';
import { waitFor } from '../../helpers/wait.js';
import { startTestDaemon } from './harness.js';

const db = serviceSpec('db', { cmd: 'db' });
const api = { ...serverSpec({ slug: 'api', start: 'node api.js' }), needs: { db: { condition: 'healthy' as const, restart: false } } };

describe('units API', () => {
  it('applies a batch, starts, stops, restarts and removes by name', async () => {
    const { http, fake } = await startTestDaemon();
    const applied = await http.call('PUT', '/v1/units', { units: [db, api] });
    expect(applied.status).toBe(200);
    expect(applied.json.data.units.map((u: { name: string }) => u.name)).toEqual(['db', 'api']);

    const listed = await http.call('GET', '/v1/units');
    expect(listed.json.data.units.map((u: { name: string; spec: { hash: string } }) => [u.name, u.spec.hash])).toEqual([
      ['api', api.hash],
      ['db', db.hash],
    ]);

    const started = await http.call('POST', '/v1/units/start', { names: ['db', 'api'] });
    expect(started.json.data.units.map((u: { status: string }) => u.status)).toEqual(['pending', 'pending']);
    await waitFor(() => fake.get('api')?.status === 'ready', { what: 'api ready' });
    expect((await http.call('GET', '/v1/units/api')).json.data.unit.status).toBe('ready');

    const restarted = await http.call('POST', '/v1/units/api/restart');
    expect(restarted.json.data.unit).toMatchObject({ name: 'api', status: 'running' });

    const stopped = await http.call('POST', '/v1/units/stop', { names: ['api'] });
    expect(stopped.json.data.units).toMatchObject([{ name: 'api', status: 'stopped' }]);

    expect((await http.call('POST', '/v1/units/remove', { names: ['api', 'db'] })).json.data).toEqual({ names: ['api', 'db'] });
    expect(fake.list()).toEqual([]);
  });

  it('rejects a batch with a duplicate name or an invalid spec, and changes nothing', async () => {
    const { http, fake } = await startTestDaemon();
    const twice = await http.call('PUT', '/v1/units', { units: [db, db] });
    expect(twice.status).toBe(400);
    expect(twice.json.error).toBe('units: "db" appears more than once in the batch');
    const bad = await http.call('PUT', '/v1/units', { units: [db, { ...api, restartPolicy: 'sometimes' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('units: "units[1].restartPolicy" must be one of never, on-failure, always');
    expect(fake.list()).toEqual([]);
  });

  it('answers 404 naming the first unknown unit, before changing anything', async () => {
    const { http, fake } = await startTestDaemon();
    await http.call('PUT', '/v1/units', { units: [db] });
    for (const action of ['start', 'stop', 'remove']) {
      const reply = await http.call('POST', `/v1/units/${action}`, { names: ['db', 'ghost'] });
      expect(reply.status, action).toBe(404);
      expect(reply.json.error).toBe('unit "ghost" not found');
    }
    expect(fake.get('db')?.status).toBe('stopped');
    expect((await http.call('GET', '/v1/units/ghost')).status).toBe(404);
    expect((await http.call('POST', '/v1/units/ghost/restart')).status).toBe(404);
    expect((await http.call('GET', '/v1/units/ghost/logs')).status).toBe(404);
  });

  it('answers 400 for bodies of the wrong shape, 404 for unknown routes and 405 for wrong methods', async () => {
    const { http } = await startTestDaemon();
    expect((await http.call('POST', '/v1/units/start', { names: 'db' })).json.error).toBe('units: "names" must be a non-empty list of strings');
    expect((await http.call('PUT', '/v1/units', { units: {} })).json.error).toBe('units: "units" must be a list');
    const badJson = await http.call('PUT', '/v1/units', '{"units": [');
    expect(badJson.status).toBe(400);
    expect(badJson.json.error).toMatch(/^invalid JSON in request body: /);
    const huge = await http.call('PUT', '/v1/units', JSON.stringify({ units: [], pad: 'x'.repeat(9 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.json.error).toBe('request body is larger than 8388608 bytes');
    const unknown = await http.call('GET', '/v2/units');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('no route for GET /v2/units');
    const wrong = await http.call('DELETE', '/v1/units');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, PUT');
  });
});
