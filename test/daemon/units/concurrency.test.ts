import { describe, expect, it } from 'vitest';
import { findMarkedLeaders } from '../../../src/daemon/units/adopt.js';
import { harness, unit, waitForStatus } from './harness.js';
import { realpathSync } from 'node:fs';

describe('concurrent operations on one unit', () => {
  it('a restart while starting never spawns a second process', async () => {
    const { supervisor, stateDir } = await harness();
    await supervisor.upsert([unit('web', { install: 'sleep 0.3', command: 'exec sleep 60' })], new Set());
    await Promise.all([supervisor.start(['web']), supervisor.restart('web'), supervisor.restart('web'), supervisor.start(['web'])]);
    await waitForStatus(supervisor, 'web', 'ready');
    const leaders = findMarkedLeaders(realpathSync(stateDir)).filter((leader) => leader.unit === 'web');
    expect(leaders.map((leader) => [leader.pid, leader.phase])).toEqual([[supervisor.get('web')?.pid, 'main']]);
  });

  it('restart gives a new process and returns it', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('web', { command: 'exec sleep 60' })], new Set());
    await supervisor.start(['web']);
    const first = await waitForStatus(supervisor, 'web', 'ready');
    const restarted = await supervisor.restart('web');
    expect(restarted.pid).toBeGreaterThan(0);
    expect(restarted.pid).not.toBe(first.pid);
    await waitForStatus(supervisor, 'web', 'ready');
  });

  it('stop during the wait for a need leaves the unit stopped and never started', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([
      unit('db', { command: 'exec sleep 60', healthCheck: { type: 'exec', command: 'false', intervalMs: 50, timeoutMs: 500, delayMs: 0 } }),
      unit('api', { command: 'exec sleep 60', needs: { db: { condition: 'healthy', restart: false } } }),
    ], new Set());
    await supervisor.start(['api']);
    await waitForStatus(supervisor, 'api', 'pending');
    await supervisor.stop(['api']);
    expect(supervisor.get('api')).toMatchObject({ status: 'stopped' });
    expect(supervisor.get('api')?.startedAt).toBeUndefined();
  });

  it('replaces a running unit the caller names in the replace set, and updates in place otherwise', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('web', { command: 'exec sleep 60' })], new Set());
    await supervisor.start(['web']);
    const first = await waitForStatus(supervisor, 'web', 'ready');
    await supervisor.upsert([unit('web', { command: 'exec sleep 60', restartPolicy: 'always', hash: first.spec.hash })], new Set());
    expect(supervisor.get('web')).toMatchObject({ pid: first.pid, status: 'ready' });
    expect(supervisor.get('web')?.spec.restartPolicy).toBe('always');
    await supervisor.upsert([unit('web', { command: 'exec sleep 61' })], new Set(['web']));
    const second = await waitForStatus(supervisor, 'web', 'ready');
    expect(second.pid).not.toBe(first.pid);
    expect(second.spec.command).toBe('exec sleep 61');
  });

  it('trusts the caller: a new hash outside the replace set is taken in place, for the next start', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('web', { command: 'exec sleep 60', hash: 'one' })], new Set());
    await supervisor.start(['web']);
    const first = await waitForStatus(supervisor, 'web', 'ready');
    await supervisor.upsert([unit('web', { command: 'exec sleep 61', hash: 'two' })], new Set());
    expect(supervisor.get('web')).toMatchObject({ pid: first.pid, status: 'ready', spec: { hash: 'two' } });
  });
});
