import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harness, logCheck, unit, waitForStatus } from './harness.js';
import { freePort } from '../../helpers/net.js';

const fixtures = join(import.meta.dirname, '../../fixtures/procs');

describe('needs', () => {
  it('starts a need first and the dependent only once the need is ready (TCP check)', async () => {
    const { supervisor, events } = await harness();
    const port = await freePort();
    await supervisor.upsert([
      unit('db', {
        kind: 'service',
        // Listens only after a pause, so a dependent that did not wait would start first.
        command: ['node', '-e', `setTimeout(() => require('net').createServer().listen(${port}, '127.0.0.1'), 300)`],
        healthCheck: { type: 'tcp', port, intervalMs: 50, timeoutMs: 500, delayMs: 0 },
      }),
      unit('api', { command: 'exec sleep 60', needs: { db: { condition: 'healthy', restart: false } } }),
    ], new Set());
    await supervisor.start(['api']);
    await waitForStatus(supervisor, 'api', 'ready');
    const dbReady = events.find((event) => event.unit === 'db' && event.to === 'ready');
    const apiStarting = events.find((event) => event.unit === 'api' && event.to === 'starting');
    expect(dbReady).toBeDefined();
    expect(events.indexOf(apiStarting!)).toBeGreaterThan(events.indexOf(dbReady!));
    expect(events.find((event) => event.unit === 'api' && event.to === 'pending' && event.reason?.kind === 'waiting' && event.reason.on.join() === 'db')).toBeDefined();
  });

  it('fails the dependent without starting it when a need fails', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([
      // Its health check never passes, so it is never ready before it fails.
      unit('db', { command: 'sleep 0.1; exit 3', healthCheck: logCheck('never printed') }),
      unit('api', { command: 'exec sleep 60', needs: { db: { condition: 'healthy', restart: false } } }),
    ], new Set());
    await supervisor.start(['api']);
    const api = await waitForStatus(supervisor, 'api', 'failed');
    expect(api.reason).toEqual({ kind: 'need_failed', need: 'db', how: 'failed' });
    expect(api.startedAt).toBeUndefined();
  });

  it('keeps waiting for a need that is restarting', async () => {
    const { supervisor, root } = await harness();
    await supervisor.upsert([
      unit('db', { kind: 'service', command: [join(fixtures, 'flaky.sh'), join(root, 'count'), '2'], restartPolicy: 'on-failure', restartDelayMs: 20, healthCheck: logCheck('stays up') }),
      unit('api', { command: 'exec sleep 60', needs: { db: { condition: 'healthy', restart: false } } }),
    ], new Set());
    await supervisor.start(['api']);
    await waitForStatus(supervisor, 'api', 'ready');
    expect(supervisor.get('db')?.restartCount).toBe(2);
  });

  it('waits for a one-shot need to complete (condition completed)', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([
      unit('migrate', { command: 'sleep 0.2; echo migrated' }),
      unit('api', { command: 'exec sleep 60', needs: { migrate: { condition: 'completed', restart: false } } }),
    ], new Set());
    await supervisor.start(['api']);
    await waitForStatus(supervisor, 'api', 'ready');
    const completed = events.findIndex((event) => event.unit === 'migrate' && event.to === 'completed');
    const starting = events.findIndex((event) => event.unit === 'api' && event.to === 'starting');
    expect(completed).toBeGreaterThanOrEqual(0);
    expect(starting).toBeGreaterThan(completed);
  });

  it('starts a dependent on condition started before its need is healthy', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([
      unit('slow', { kind: 'service', command: ['node', join(fixtures, 'switchable-server.mjs'), 'unhealthy'], port: await freePort(), healthCheck: { type: 'http', path: '/', intervalMs: 50, timeoutMs: 500, delayMs: 0 } }),
      unit('api', { command: 'exec sleep 60', needs: { slow: { condition: 'started', restart: false } } }),
    ], new Set());
    await supervisor.start(['api']);
    await waitForStatus(supervisor, 'api', 'ready');
    expect(supervisor.get('slow')?.status).toBe('running');
  });

  it('starts a dependent that needs any replica (condition started) once one runs, while another has failed', async () => {
    const { supervisor } = await harness();
    const any = { condition: 'started' as const, restart: false, any: 'web' };
    await supervisor.upsert([
      unit('web-1', { command: 'exec sleep 60', cwd: '/no/such/folder' }),
      unit('web-2', { command: 'exec sleep 60', minUptimeMs: 0 }),
      unit('api', { command: 'exec sleep 60', minUptimeMs: 0, needs: { 'web-1': any, 'web-2': any } }),
    ], new Set());
    await supervisor.start(['api']);
    await waitForStatus(supervisor, 'api', 'ready');
    await waitForStatus(supervisor, 'web-1', 'failed');
  });

  it('fails a dependent that needs every replica when one fails, and one that needs any when all fail', async () => {
    const { supervisor } = await harness();
    const any = { condition: 'started' as const, restart: false, any: 'web' };
    const each = { condition: 'healthy' as const, restart: false };
    // Their folder does not exist: they fail before their process runs, so `started` is never met for a moment.
    await supervisor.upsert([
      unit('web-1', { command: 'exec sleep 60', cwd: '/no/such/folder' }),
      unit('web-2', { command: 'exec sleep 60', cwd: '/no/such/folder' }),
      unit('all', { command: 'exec sleep 60', needs: { 'web-1': each, 'web-2': each } }),
      unit('one', { command: 'exec sleep 60', needs: { 'web-1': any, 'web-2': any } }),
    ], new Set());
    await supervisor.start(['all', 'one']);
    expect((await waitForStatus(supervisor, 'all', 'failed')).reason).toMatchObject({ kind: 'need_failed', how: 'failed' });
    expect((await waitForStatus(supervisor, 'one', 'failed')).reason).toEqual({ kind: 'need_failed', need: 'web-2', how: 'failed' });
  });

  it('rejects needs on unknown units and cycles with a 400', async () => {
    const { supervisor } = await harness();
    await expect(supervisor.upsert([unit('api', { command: 'true', needs: { ghost: { condition: 'healthy', restart: false } } })], new Set())).rejects.toMatchObject({
      status: 400,
      message: 'unit "api" needs unknown unit "ghost"',
    });
    const need = { condition: 'healthy' as const, restart: false };
    await expect(
      supervisor.upsert([unit('a', { command: 'true', needs: { b: need } }), unit('b', { command: 'true', needs: { c: need } }), unit('c', { command: 'true', needs: { a: need } })], new Set()),
    ).rejects.toMatchObject({ status: 400, message: 'needs form a cycle: a → b → c → a' });
    expect(supervisor.list()).toEqual([]);
  });
});
