import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOREVER, harness, statusesOf, unit, waitForStatus } from './harness.js';
import { freePort } from '../../helpers/net.js';
import { waitFor } from '../../helpers/wait.js';

const fixtures = join(import.meta.dirname, '../../fixtures/procs');

describe('unit lifecycle', () => {
  it('goes pending → starting → running → ready without a health check', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('web', { command: FOREVER })], new Set());
    const [started] = await supervisor.start(['web']);
    expect(started?.status).not.toBe('stopped');
    const state = await waitForStatus(supervisor, 'web', 'ready');
    expect(state.pid).toBeGreaterThan(0);
    expect(statusesOf(events, 'web')).toEqual(['pending', 'starting', 'running', 'ready']);
    expect(events[0]).toMatchObject({ unit: 'web', from: 'stopped', to: 'pending' });
  });

  it('runs install in the unit folder before start', async () => {
    const { supervisor, root, events } = await harness();
    mkdirSync(join(root, 'app'));
    await supervisor.upsert([unit('web', { cwd: '/app', install: 'echo installing; touch installed', command: 'test -f installed && exec sleep 60' })], new Set());
    await supervisor.start(['web']);
    await waitForStatus(supervisor, 'web', 'ready');
    expect(existsSync(join(root, 'app/installed'))).toBe(true);
    expect(statusesOf(events, 'web')).toEqual(['pending', 'installing', 'starting', 'running', 'ready']);
    const lines = await supervisor.logs.read('web', { stream: 'stdout' });
    expect(lines.map((line) => line.text)).toContain('installing');
  });

  it('fails on a failing install with its exit code and last lines, and never runs start', async () => {
    const { supervisor, root, events } = await harness();
    await supervisor.upsert([unit('web', { install: 'echo step one; echo boom >&2; exit 3', command: `touch ${join(root, 'started')}` })], new Set());
    await supervisor.start(['web']);
    const state = await waitForStatus(supervisor, 'web', 'failed');
    expect(state.reason).toEqual({ kind: 'install_failed', exit: { code: 3, signal: null }, output: expect.arrayContaining(['step one', 'boom']) });
    expect(statusesOf(events, 'web')).toEqual(['pending', 'installing', 'failed']);
    expect(existsSync(join(root, 'started'))).toBe(false);
  });

  it('fails clearly when the working directory does not exist', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('web', { cwd: '/missing', command: FOREVER })], new Set());
    await supervisor.start(['web']);
    const state = await waitForStatus(supervisor, 'web', 'failed');
    expect(state.reason).toEqual({ kind: 'spawn_failed', error: expect.stringMatching(/working directory \/missing does not exist/) });
  });

  it('fails clearly when the program does not exist', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('svc', { kind: 'service', command: ['/no/such/program', '--flag'] })], new Set());
    await supervisor.start(['svc']);
    const state = await waitForStatus(supervisor, 'svc', 'failed');
    expect(state.reason).toEqual({ kind: 'spawn_failed', error: 'cannot run "/no/such/program": not found' });
  });

  it('completes a one-shot unit that exits 0 and fails one that exits non-zero', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('ok', { command: 'exit 0' }), unit('bad', { command: 'exit 4' })], new Set());
    await supervisor.start(['ok', 'bad']);
    expect((await waitForStatus(supervisor, 'ok', 'completed')).exitCode).toBe(0);
    const bad = await waitForStatus(supervisor, 'bad', 'failed');
    expect(bad.exitCode).toBe(4);
    expect(bad.reason).toEqual({ kind: 'exited', exit: { code: 4, signal: null } });
  });

  it('gives the process its environment and PORT', async () => {
    const { supervisor, root } = await harness();
    const out = join(root, 'env.txt');
    await supervisor.upsert([unit('web', { port: await freePort(), env: { GREETING: 'hello world' }, command: `echo "$GREETING $PORT" > ${out}; exec sleep 60` })], new Set());
    await supervisor.start(['web']);
    const state = await waitForStatus(supervisor, 'web', 'ready');
    await waitFor(() => existsSync(out));
    await waitFor(() => readFileSync(out, 'utf8').trim() === `hello world ${state.port}`, { what: 'env file content' });
    expect(state.url).toBe(`http://localhost:${state.port}`);
  });

  it('becomes ready only when its HTTP health check passes', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([
      unit('web', {
        command: ['node', join(fixtures, 'switchable-server.mjs'), 'unhealthy'],
        kind: 'service',
        port: await freePort(),
        healthCheck: { type: 'http', path: '/', intervalMs: 50, timeoutMs: 1000, delayMs: 0 },
      }),
    ], new Set());
    await supervisor.start(['web']);
    const running = await waitForStatus(supervisor, 'web', 'running');
    // The fixture counts the connections its probes made: once one has come, answered 503, the unit must still be running.
    await waitFor(async () => Number(await (await fetch(`http://127.0.0.1:${running.port}/__connections`)).text()) >= 1, { what: 'a probe' });
    expect(supervisor.get('web')).toMatchObject({ status: 'running', healthy: false, healthStatus: 'checking' });
    await fetch(`http://127.0.0.1:${running.port}/__mode/healthy`, { method: 'POST' });
    const ready = await waitForStatus(supervisor, 'web', 'ready');
    expect(ready.healthy).toBe(true);
    expect(ready.healthStatus).toBe('healthy');
  });

  it('stops a ready unit: status stopped, no pid', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('web', { command: FOREVER })], new Set());
    await supervisor.start(['web']);
    await waitForStatus(supervisor, 'web', 'ready');
    await supervisor.stop(['web']);
    expect(supervisor.get('web')).toMatchObject({ status: 'stopped' });
    expect(supervisor.get('web')?.pid).toBeUndefined();
  });

  it('goes back to running when a ready unit fails 3 health checks in a row, and ready again when it recovers', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([
      unit('web', {
        kind: 'service',
        command: ['node', join(fixtures, 'switchable-server.mjs'), 'healthy'],
        port: await freePort(),
        healthCheck: { type: 'http', path: '/', intervalMs: 50, timeoutMs: 1000, delayMs: 0 },
      }),
    ], new Set());
    await supervisor.start(['web']);
    const ready = await waitForStatus(supervisor, 'web', 'ready');
    await fetch(`http://127.0.0.1:${ready.port}/__mode/error`, { method: 'POST' });
    const unhealthy = await waitForStatus(supervisor, 'web', 'running');
    expect(unhealthy).toMatchObject({ healthy: false, healthStatus: 'unhealthy', consecutiveFailures: 3, pid: ready.pid });
    expect(unhealthy.reason).toEqual({ kind: 'health_failing', error: expect.any(String) });
    await fetch(`http://127.0.0.1:${ready.port}/__mode/healthy`, { method: 'POST' });
    await waitForStatus(supervisor, 'web', 'ready');
    expect(statusesOf(events, 'web').slice(-3)).toEqual(['ready', 'running', 'ready']);
  });

  it('runs a service as its user', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('svc', { kind: 'service', user: 'nobody', command: ['sleep', '60'] })], new Set());
    await supervisor.start(['svc']);
    const { pid } = await waitForStatus(supervisor, 'svc', 'ready');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+65534\s/m);
    await supervisor.upsert([unit('ghost', { kind: 'service', user: 'no-such-user-here', command: ['sleep', '60'] })], new Set());
    await supervisor.start(['ghost']);
    expect((await waitForStatus(supervisor, 'ghost', 'failed')).reason).toEqual({ kind: 'spawn_failed', error: 'user "no-such-user-here" does not exist' });
  });
});
