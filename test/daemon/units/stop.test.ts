import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harness, unit, waitForStatus } from './harness.js';
import { processGroupMembers } from '../../helpers/procs.js';
import { waitFor } from '../../helpers/wait.js';

const fixtures = join(import.meta.dirname, '../../fixtures/procs');

describe('stopping units', () => {
  it('SIGKILLs a group that ignores SIGTERM after stop_timeout, leaving no process', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('stubborn', { kind: 'service', command: [join(fixtures, 'stubborn.sh')], stopTimeoutMs: 300 })], new Set());
    await supervisor.start(['stubborn']);
    const { pid } = await waitForStatus(supervisor, 'stubborn', 'ready');
    // Both the parent and its child must be up before the stop, or the test proves less than it claims.
    await waitFor(async () => (await supervisor.logs.read('stubborn', { stream: 'stdout' })).some((line) => line.text.startsWith('child')));
    expect(processGroupMembers(pid ?? 0).length).toBeGreaterThanOrEqual(2);
    const before = Date.now();
    await supervisor.stop(['stubborn']);
    expect(Date.now() - before).toBeGreaterThanOrEqual(290);
    expect(processGroupMembers(pid ?? 0)).toEqual([]);
    expect(supervisor.get('stubborn')?.status).toBe('stopped');
  });

  it('stops `npm run start` with its shell and node server, leaving no process', async () => {
    const { supervisor, root } = await harness();
    cpSync(join(fixtures, 'npm-app'), join(root, 'app'), { recursive: true });
    await supervisor.upsert([unit('api', { cwd: '/app', command: 'npm run start', stopTimeoutMs: 5000 })], new Set());
    await supervisor.start(['api']);
    const { pid } = await waitForStatus(supervisor, 'api', 'ready');
    await waitFor(async () => (await supervisor.logs.read('api', { stream: 'stdout' })).some((line) => line.text.startsWith('listening on')), { what: 'node server' });
    expect(processGroupMembers(pid ?? 0).length).toBeGreaterThanOrEqual(2);
    await supervisor.stop(['api']);
    expect(processGroupMembers(pid ?? 0)).toEqual([]);
  });

  it('stops dependents before their needs', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([
      unit('db', { command: 'exec sleep 60' }),
      unit('api', { command: 'exec sleep 60', needs: { db: { condition: 'healthy', restart: false } } }),
      unit('web', { command: 'exec sleep 60', needs: { api: { condition: 'healthy', restart: false } } }),
    ], new Set());
    await supervisor.start(['web']);
    await waitForStatus(supervisor, 'web', 'ready');
    await supervisor.stop(['db', 'api', 'web']);
    const stops = events.filter((event) => event.to === 'stopped').map((event) => event.unit);
    expect(stops).toEqual(['web', 'api', 'db']);
  });

  it('ends children a unit left behind when its leader exits, before restarting it', async () => {
    const { supervisor, states } = await harness();
    await supervisor.upsert([unit('leaky', { command: 'sleep 60 & echo started; exit 1', restartPolicy: 'on-failure', maxRestarts: 1, restartDelayMs: 10 })], new Set());
    await supervisor.start(['leaky']);
    const state = await waitForStatus(supervisor, 'leaky', 'failed');
    const pids = states.filter((s) => s.name === 'leaky' && s.status === 'running').map((s) => s.pid ?? 0);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(processGroupMembers(pid)).toEqual([]);
    const lines = await supervisor.logs.read('leaky', { stream: 'stdout' });
    expect(lines.map((line) => line.text)).toEqual(['started', 'started']);
    expect(state.pid).toBeUndefined();
  });
});
