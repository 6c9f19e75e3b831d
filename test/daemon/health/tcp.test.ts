// TCP probes against real listeners, and the self-connect case made to happen for real.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeTcp, startHealthMonitor, type HealthReport } from '../../../src/daemon/health/index.js';
import { isPortFree, listeningSockets } from '../../../src/daemon/ports/index.js';
import { waitFor } from '../../helpers/wait.js';
import { closedPort, fixture, killGroup, spawnListening } from '../ports/spawn-listening.js';
import { noLines } from './context.js';

describe('probeTcp', () => {
  it.each([
    { host: '127.0.0.1', listen: '127.0.0.1' },
    { host: '::1', listen: '::' },
  ])('is ok when a listener on $listen accepts ($host)', async ({ host, listen }) => {
    const { port } = await spawnListening('node', [fixture('listener.mjs'), '0', listen]);
    expect(await probeTcp(port, 5000, host)).toEqual({ ok: true });
  });

  it('never takes down a bare server that does not handle ECONNRESET (the probe closes with a FIN)', async () => {
    // An accepted socket without an 'error' listener crashes a node process on a reset. The server prints each close,
    // so the test knows the server has seen every probe end before it looks whether the server is still alive.
    const script =
      "let n = 0; require('net').createServer((s) => s.on('close', () => console.log('closed ' + ++n))).listen(0, '127.0.0.1', function () { console.log('listening ' + this.address().port) })";
    const { port, child } = await spawnListening('node', ['-e', script]);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 20; i++) expect(await probeTcp(port, 5000)).toEqual({ ok: true });
    await waitFor(() => output.includes('closed 20') || child.exitCode !== null, { what: 'the server to see 20 closes' });
    expect(child.exitCode).toBeNull();
    expect(output).toContain('closed 20');
  });

  it('fails when nothing listens', async () => {
    const result = await probeTcp(await closedPort(), 5000);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('stops at once when its signal is already aborted', async () => {
    const { port } = await spawnListening('node', [fixture('listener.mjs')]);
    const abort = new AbortController();
    abort.abort();
    expect(await probeTcp(port, 5000, '127.0.0.1', abort.signal)).toEqual({ ok: false, error: 'probe cancelled' });
  });

  it('never reports a self-connect as a listener', async () => {
    // The case: when a probe connects to a port in the kernel's ephemeral range that nothing listens on, the kernel
    // picks the probe's own source port from that same range; once it picks the destination port itself, the SYN
    // meets itself (TCP simultaneous open) and connect() succeeds with no listener at all. We make it happen for
    // real: probe one free port of the range in a loop until a probe reports the self-connect. Linux prefers even
    // source ports for connect() (odd ones for bind()), so an even port is hit within about half the range's size
    // in tries. Any `ok` would be the bug, unless another process really started listening there meanwhile.
    const [low = 32768, high = 60999] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const pickPort = async () => {
      for (;;) {
        const port = low + 2 * Math.floor((Math.random() * (high - low)) / 2);
        if (port % 2 === 0 && (await isPortFree(port))) return port;
      }
    };
    let port = await pickPort();
    let selfConnects = 0;
    for (let tries = 0; selfConnects === 0 && tries < 3 * (high - low); tries++) {
      const result = await probeTcp(port, 5000);
      if (result.ok) {
        const listened = (await listeningSockets()).some((socket) => socket.port === port);
        expect(listened, `probe of port ${port} was ok, but nothing listens there`).toBe(true);
        port = await pickPort();
      } else if (result.error === `self-connect on port ${port}: nothing listens there`) {
        selfConnects += 1;
      } else {
        expect(result.error).toMatch(/ECONNREFUSED/);
      }
    }
    expect(selfConnects, 'no self-connect happened, so the guard was not exercised').toBe(1);
  });
});

describe('startHealthMonitor (tcp)', () => {
  it('turns healthy when a listener appears, and unhealthy when it goes', async () => {
    const port = await closedPort();
    const changes: HealthReport[] = [];
    const check = { type: 'tcp', port, intervalMs: 50, timeoutMs: 1000, delayMs: 0 } as const;
    const monitor = startHealthMonitor(check, { ...noLines, port: () => undefined }, (r) => changes.push(r));
    try {
      await waitFor(() => monitor.current().consecutiveFailures >= 2, { what: 'refused probes' });
      expect(changes).toEqual([]);
      const listener = await spawnListening('node', [fixture('listener.mjs'), String(port)]);
      await waitFor(() => changes.length === 1, { what: 'healthy' });
      expect(changes[0]?.status).toBe('healthy');
      await killGroup(listener.child);
      await waitFor(() => changes.length === 2, { what: 'unhealthy' });
      expect(changes[1]).toMatchObject({ healthy: false, status: 'unhealthy', consecutiveFailures: 3 });
    } finally {
      monitor.stop();
    }
  });
});
