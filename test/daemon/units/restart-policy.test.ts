import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harness, logCheck, statusesOf, unit, waitForStatus } from './harness.js';
import { isAlive } from '../../helpers/procs.js';

const flaky = join(import.meta.dirname, '../../fixtures/procs/flaky.sh');

describe('restart policies', () => {
  it('on-failure restarts until max_restarts, then fails', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('crash', { command: 'echo dying >&2; exit 1', restartPolicy: 'on-failure', maxRestarts: 2, restartDelayMs: 20 })], new Set());
    await supervisor.start(['crash']);
    const state = await waitForStatus(supervisor, 'crash', 'failed');
    expect(state.restartCount).toBe(2);
    expect(statusesOf(events, 'crash').filter((status) => status === 'restarting')).toHaveLength(2);
    expect(state.reason).toEqual({ kind: 'exited', exit: { code: 1, signal: null } });
  });

  it('on-failure does not restart after exit 0', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('once', { command: 'exit 0', restartPolicy: 'on-failure' })], new Set());
    await supervisor.start(['once']);
    expect((await waitForStatus(supervisor, 'once', 'completed')).restartCount).toBe(0);
  });

  it('always restarts after exit 0 too', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('loop', { command: 'exit 0', restartPolicy: 'always', maxRestarts: 3, restartDelayMs: 10 })], new Set());
    await supervisor.start(['loop']);
    const state = await waitForStatus(supervisor, 'loop', 'completed');
    expect(state.restartCount).toBe(3);
  });

  it('never leaves a crashed unit failed', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('crash', { command: 'exit 2' })], new Set());
    await supervisor.start(['crash']);
    await waitForStatus(supervisor, 'crash', 'failed');
    expect(statusesOf(events, 'crash')).not.toContain('restarting');
  });

  it('waits longer between each attempt (exponential backoff)', async () => {
    const { supervisor, events } = await harness();
    await supervisor.upsert([unit('crash', { command: 'exit 1', restartPolicy: 'on-failure', maxRestarts: 3, restartDelayMs: 100 })], new Set());
    await supervisor.start(['crash']);
    await waitForStatus(supervisor, 'crash', 'failed');
    const restarting = events.filter((event) => event.unit === 'crash' && event.to === 'restarting');
    const starting = events.filter((event) => event.unit === 'crash' && event.to === 'starting').slice(1);
    const delays = restarting.map((event) => (event.reason?.kind === 'restarting' ? event.reason.delay_ms : undefined));
    const gaps = restarting.map((event, i) => Date.parse(starting[i]?.ts ?? '') - Date.parse(event.ts));
    // Delays are 100, 200, 400 ms with ±20 % jitter; a loaded machine can only make them longer. Event times are
    // whole milliseconds, so a measured gap can read 1 ms short of the delay.
    expect(gaps[0]).toBeGreaterThanOrEqual(79);
    expect(gaps[1]).toBeGreaterThanOrEqual(159);
    expect(gaps[2]).toBeGreaterThanOrEqual(319);
    // Each gap is the delay the reason announced (the announced delay is what passes), within a millisecond.
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((delays[i] ?? 0) - 1));
    expect(restarting.map((event) => event.reason)).toEqual(restarting.map(() => expect.objectContaining({ kind: 'restarting', exit: { code: 1, signal: null } })));
    expect(delays[0]).toBeGreaterThanOrEqual(80);
    expect(delays[0]).toBeLessThanOrEqual(120);
    expect(delays[1]).toBeGreaterThanOrEqual(160);
    expect(delays[1]).toBeLessThanOrEqual(240);
    expect(delays[2]).toBeGreaterThanOrEqual(320);
    expect(delays[2]).toBeLessThanOrEqual(480);
  });

  it('a stopped unit is never restarted, whatever its policy', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('web', { command: 'exec sleep 60', restartPolicy: 'always' })], new Set());
    await supervisor.start(['web']);
    const { pid } = await waitForStatus(supervisor, 'web', 'ready');
    await supervisor.stop(['web']);
    expect(isAlive(pid ?? 0)).toBe(false);
    // Give a wrongly scheduled restart every chance to show: wait for a later unit to run to completion.
    await supervisor.upsert([unit('probe', { command: 'exit 0' })], new Set());
    await supervisor.start(['probe']);
    await waitForStatus(supervisor, 'probe', 'completed');
    expect(supervisor.get('web')).toMatchObject({ status: 'stopped', restartCount: 0 });
  });

  it('recovers a unit that fails twice and then stays up', async () => {
    const { supervisor, root } = await harness();
    await supervisor.upsert([unit('flaky', { kind: 'service', command: [flaky, join(root, 'count'), '2'], restartPolicy: 'on-failure', restartDelayMs: 10, healthCheck: logCheck('stays up') })], new Set());
    await supervisor.start(['flaky']);
    const state = await waitForStatus(supervisor, 'flaky', 'ready');
    expect(state.restartCount).toBe(2);
    const lines = await supervisor.logs.read('flaky', { stream: 'combined' });
    expect(lines.map((line) => line.text)).toEqual(['attempt 1 fails', 'attempt 2 fails', 'attempt 3 stays up']);
  });
});
