// HTTP probes and monitors against a real server (a separate process) that the test switches between answers.
import { describe, expect, it } from 'vitest';
import { probeHttp, startHealthMonitor, type HealthReport } from '../../../src/daemon/health/index.js';
import { waitFor } from '../../helpers/wait.js';
import { closedPort, fixture, spawnListening } from '../ports/spawn-listening.js';
import { noLines } from './context.js';

/** Starts the switchable server in `mode`; `to(mode)` switches it, by a request. */
async function switchable(mode = 'unhealthy') {
  const { port } = await spawnListening('node', [fixture('switchable-server.mjs'), mode]);
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    url: `${base}/health`,
    to: async (next: string) => {
      const response = await fetch(`${base}/__mode/${next}`, { method: 'POST' });
      expect(response.status).toBe(204);
    },
    connections: async () => Number(await (await fetch(`${base}/__connections`)).text()),
  };
}

describe('probeHttp', () => {
  it('is ok only once the server is switched to healthy', async () => {
    const server = await switchable();
    expect(await probeHttp(server.url, 5000)).toEqual({ ok: false, error: 'HTTP 503' });
    await server.to('healthy');
    expect(await probeHttp(server.url, 5000)).toEqual({ ok: true });
  });

  it.each([
    { mode: 'error', expected: { ok: false, error: 'HTTP 500' } },
    { mode: 'redirect', expected: { ok: true } },
  ])('answers $expected.ok for the $mode mode', async ({ mode, expected }) => {
    const server = await switchable(mode);
    expect(await probeHttp(server.url, 5000)).toEqual(expected);
  });

  it('fails with a timeout when the server does not answer in time', async () => {
    const server = await switchable('hang');
    const started = Date.now();
    expect(await probeHttp(server.url, 300)).toEqual({ ok: false, error: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // The server is still usable afterwards: the timed-out connection was dropped, not left blocking the next probe.
    await server.to('healthy');
    expect(await probeHttp(server.url, 5000)).toEqual({ ok: true });
  });

  it('fails when nothing listens', async () => {
    const result = await probeHttp(`http://127.0.0.1:${await closedPort()}/`, 5000);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('stops at once when its signal aborts', async () => {
    const server = await switchable('hang');
    const abort = new AbortController();
    const probe = probeHttp(server.url, 60_000, abort.signal);
    abort.abort();
    expect(await probe).toEqual({ ok: false, error: 'probe cancelled' });
  });

  it('reuses one connection for successive probes instead of opening one per probe', async () => {
    const server = await switchable('healthy');
    for (let i = 0; i < 20; i++) expect(await probeHttp(server.url, 5000)).toEqual({ ok: true });
    expect(await server.connections()).toBe(1);
  });
});

describe('startHealthMonitor (http)', () => {
  const timing = { intervalMs: 50, timeoutMs: 1000, delayMs: 0 };

  it('reports checking, then healthy when switched, unhealthy after failures, and healthy again', async () => {
    const server = await switchable();
    const changes: HealthReport[] = [];
    const monitor = startHealthMonitor({ type: 'http', path: '/health', ...timing }, { ...noLines, port: () => server.port }, (r) =>
      changes.push(r),
    );
    try {
      await waitFor(() => monitor.current().consecutiveFailures >= 2, { what: 'failing probes' });
      expect(monitor.current()).toMatchObject({ healthy: false, status: 'checking', lastError: 'HTTP 503' });
      expect(changes).toEqual([]);
      await server.to('healthy');
      await waitFor(() => changes.length === 1, { what: 'healthy' });
      await server.to('error');
      await waitFor(() => changes.length === 2, { what: 'unhealthy' });
      expect(changes[1]).toEqual({ healthy: false, status: 'unhealthy', consecutiveFailures: 3, lastError: 'HTTP 500' });
      await server.to('healthy');
      await waitFor(() => changes.length === 3, { what: 'healthy again' });
      expect(changes.map((c) => c.status)).toEqual(['healthy', 'unhealthy', 'healthy']);
    } finally {
      monitor.stop();
    }
  });

  it('waits for a port, and probes an explicit port over the context one', async () => {
    const server = await switchable('healthy');
    let port: number | undefined;
    const monitor = startHealthMonitor({ type: 'http', path: '/', ...timing }, { ...noLines, port: () => port }, () => {});
    const explicit = startHealthMonitor(
      { type: 'http', path: '/', port: server.port, ...timing },
      { ...noLines, port: () => undefined },
      () => {},
    );
    try {
      await waitFor(() => monitor.current().consecutiveFailures >= 2, { what: 'probes without a port' });
      expect(monitor.current()).toMatchObject({ status: 'checking', lastError: 'no port to probe yet' });
      port = server.port;
      await waitFor(() => monitor.current().healthy, { what: 'healthy once the port is known' });
      await waitFor(() => explicit.current().healthy, { what: 'healthy on the explicit port' });
    } finally {
      monitor.stop();
      explicit.stop();
    }
  });
});
