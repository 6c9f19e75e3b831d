// Log-line checks: a match among the lines printed before the check began, or among new ones; stays healthy.
import { describe, expect, it } from 'vitest';
import { startHealthMonitor, type HealthContext, type HealthReport } from '../../../src/daemon/health/index.js';
import { waitFor } from '../../helpers/wait.js';
import { flush } from './fake-clock.js';

/** A unit's output as the supervisor would offer it: lines already printed, and new lines pushed by the test. */
function output(past: string[] | Error = []) {
  const listeners = new Set<(text: string) => void>();
  const ctx: HealthContext = {
    port: () => undefined,
    cwd: '/',
    env: {},
    onLine: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pastLines: () => (past instanceof Error ? Promise.reject(past) : Promise.resolve(past)),
  };
  return { ctx, listeners, print: (text: string) => listeners.forEach((listener) => listener(text)) };
}

const check = (pattern: string) => ({ type: 'log', pattern, intervalMs: 1000, timeoutMs: 1000, delayMs: 0 }) as const;

describe('startHealthMonitor (log)', () => {
  it('is healthy when a line printed before the check began matches', async () => {
    const { ctx, listeners } = output(['booting', 'Listening on http://localhost:3000', 'more']);
    const changes: HealthReport[] = [];
    startHealthMonitor(check('Listening on .*:\\d+'), ctx, (r) => changes.push(r));
    await waitFor(() => changes.length === 1, { what: 'healthy' });
    expect(changes).toEqual([{ healthy: true, status: 'healthy', consecutiveFailures: 0 }]);
    expect(listeners.size).toBe(0);
  });

  it('is checking until a new line matches, then healthy once, for good, with no listener left', async () => {
    const { ctx, listeners, print } = output(['booting']);
    const changes: HealthReport[] = [];
    const monitor = startHealthMonitor(check('^ready in \\d+ ms$'), ctx, (r) => changes.push(r));
    await flush();
    print('compiling');
    print('ready in soon');
    expect(monitor.current()).toEqual({ healthy: false, status: 'checking', consecutiveFailures: 0 });
    print('ready in 120 ms');
    expect(changes).toEqual([{ healthy: true, status: 'healthy', consecutiveFailures: 0 }]);
    expect(listeners.size).toBe(0);
    print('ready in 130 ms');
    print('error: crashed');
    expect(changes).toHaveLength(1);
    expect(monitor.current().healthy).toBe(true);
  });

  it('stop() unsubscribes, and a later past-lines answer does not report', async () => {
    const { ctx, listeners } = output(['ready']);
    const changes: HealthReport[] = [];
    const monitor = startHealthMonitor(check('ready'), ctx, (r) => changes.push(r));
    monitor.stop();
    expect(listeners.size).toBe(0);
    await flush();
    expect(changes).toEqual([]);
  });

  it('reports an invalid pattern as the error and never turns healthy', async () => {
    const { ctx, listeners } = output(['(']);
    const monitor = startHealthMonitor(check('('), ctx, () => {});
    expect(monitor.current()).toMatchObject({ healthy: false, status: 'checking', lastError: expect.stringMatching(/^invalid log pattern/) });
    expect(listeners.size).toBe(0);
  });

  it('keeps watching new lines when the past lines cannot be read', async () => {
    const { ctx, print } = output(new Error('log file gone'));
    const monitor = startHealthMonitor(check('ready'), ctx, () => {});
    await flush();
    expect(monitor.current()).toMatchObject({ status: 'checking', lastError: 'reading past lines: log file gone' });
    print('ready');
    expect(monitor.current()).toEqual({ healthy: true, status: 'healthy', consecutiveFailures: 0 });
  });
});
