// Ready means ready (issue 13): a unit without a health check is ready only once it has stayed up min_uptime_ms,
// a liveness check restarts an unhealthy unit through its restart policy, and a zero restart delay backs off.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/net.js';
import { waitFor } from '../../helpers/wait.js';
import { FOREVER, harness, statusesOf, unit, waitForStatus } from './harness.js';

const fixtures = join(import.meta.dirname, '../../fixtures/procs');

describe('readiness without a health check', () => {
  it('is ready only after min_uptime_ms of uptime', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('worker', { command: FOREVER, minUptimeMs: 400 })], new Set());
    await supervisor.start(['worker']);
    await waitForStatus(supervisor, 'worker', 'ready');
    const running = events.find((e) => e.unit === 'worker' && e.to === 'running');
    const ready = events.find((e) => e.unit === 'worker' && e.to === 'ready');
    expect(Date.parse(ready?.ts ?? '') - Date.parse(running?.ts ?? '')).toBeGreaterThanOrEqual(399);
  });

  it('never calls a crash-looping unit ready (it restarts, then fails)', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('boom', { command: 'exit 3', restartPolicy: 'on-failure', maxRestarts: 2, restartDelayMs: 10 })], new Set());
    await supervisor.start(['boom']);
    const failed = await waitForStatus(supervisor, 'boom', 'failed');
    expect(failed.restartCount).toBe(2);
    expect(statusesOf(events, 'boom')).not.toContain('ready');
  });

  it('fails a dependent whose need (no health check) exits 1 at once, without starting it', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('seed', { command: 'exit 1' }), unit('api', { command: FOREVER, needs: { seed: { condition: 'healthy', restart: false } } })], new Set());
    await supervisor.start(['api']);
    const api = await waitForStatus(supervisor, 'api', 'failed');
    expect(api.reason).toEqual({ kind: 'need_failed', need: 'seed', how: 'failed' });
    expect(statusesOf(events, 'api')).not.toContain('starting');
  });

  it('min_uptime_ms: 0 keeps the old behaviour: ready at once', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('quick', { command: FOREVER, minUptimeMs: 0 })], new Set());
    await supervisor.start(['quick']);
    await waitForStatus(supervisor, 'quick', 'ready');
    expect(statusesOf(events, 'quick')).toEqual(['pending', 'starting', 'running', 'ready']);
  });
});

describe('liveness (on_unhealthy: restart)', () => {
  const server = async (onUnhealthy: 'keep' | 'restart') =>
    unit('web', {
      kind: 'service',
      command: ['node', join(fixtures, 'switchable-server.mjs'), 'healthy'],
      port: await freePort(),
      restartPolicy: 'on-failure',
      restartDelayMs: 10,
      healthCheck: { type: 'http', path: '/', intervalMs: 50, timeoutMs: 1000, delayMs: 0, failureThreshold: 2, onUnhealthy },
    });

  it('ends an unhealthy unit and restarts it through the restart policy, counting the restart', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([await server('restart')], new Set());
    await supervisor.start(['web']);
    const ready = await waitForStatus(supervisor, 'web', 'ready');
    await fetch(`http://127.0.0.1:${ready.port}/__mode/error`, { method: 'POST' });
    const again = await waitFor(() => {
      const state = supervisor.get('web');
      return state?.status === 'ready' && state.pid !== ready.pid ? state : undefined;
    }, { what: 'web restarted and ready again' });
    expect(again.restartCount).toBe(1);
  });

  it('keeps an unhealthy unit running by default, after failure_threshold failures', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([await server('keep')], new Set());
    await supervisor.start(['web']);
    const ready = await waitForStatus(supervisor, 'web', 'ready');
    await fetch(`http://127.0.0.1:${ready.port}/__mode/error`, { method: 'POST' });
    const unhealthy = await waitForStatus(supervisor, 'web', 'running');
    expect(unhealthy).toMatchObject({ pid: ready.pid, healthStatus: 'unhealthy', consecutiveFailures: 2, restartCount: 0 });
  });
});

describe('restart backoff', () => {
  it('with restart_delay_ms: 0 restarts the first time at once, then backs off from 100 ms', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('spin', { command: 'exit 1', restartPolicy: 'on-failure', maxRestarts: 4, restartDelayMs: 0 })], new Set());
    await supervisor.start(['spin']);
    await waitForStatus(supervisor, 'spin', 'failed');
    const delays = events.filter((e) => e.unit === 'spin' && e.reason?.kind === 'restarting').map((e) => (e.reason?.kind === 'restarting' ? e.reason.delay_ms : -1));
    expect(delays).toHaveLength(4);
    expect(delays[0]).toBe(0);
    // 100, 200, 400 ms with ±20 % jitter.
    [100, 200, 400].forEach((step, i) => {
      expect(delays[i + 1]).toBeGreaterThanOrEqual(step * 0.8);
      expect(delays[i + 1]).toBeLessThanOrEqual(step * 1.2);
    });
  });
});
