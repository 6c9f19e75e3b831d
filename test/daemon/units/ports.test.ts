import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, unit, waitForStatus } from './harness.js';
import { freePort } from '../../helpers/net.js';
import { waitFor } from '../../helpers/wait.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function occupy(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(port, '0.0.0.0', () => resolve()));
}

describe('ports', () => {
  it('fails a strict unit whose port is taken, with a clear reason', async () => {
    const { supervisor } = await harness();
    const port = await freePort();
    await occupy(port);
    await supervisor.upsert([unit('web', { command: 'exec sleep 60', port, strictPort: true })], new Set());
    await supervisor.start(['web']);
    const state = await waitForStatus(supervisor, 'web', 'failed');
    expect(state.reason).toEqual({ kind: 'port_in_use', port });
  });

  it('gives a non-strict unit the next free port when its port is taken', async () => {
    const { supervisor } = await harness();
    const port = await freePort();
    await occupy(port);
    await supervisor.upsert([unit('web', { command: 'exec sleep 60', port })], new Set());
    await supervisor.start(['web']);
    const state = await waitForStatus(supervisor, 'web', 'ready');
    expect(state.port).toBeGreaterThan(port);
    expect(state.url).toBe(`http://localhost:${state.port}`);
  });

  it('never gives two units the same port', async () => {
    const { supervisor } = await harness();
    const port = await freePort();
    await supervisor.upsert([unit('a', { command: 'exec sleep 60', port }), unit('b', { command: 'exec sleep 60', port })], new Set());
    await supervisor.start(['a', 'b']);
    const a = await waitForStatus(supervisor, 'a', 'ready');
    const b = await waitForStatus(supervisor, 'b', 'ready');
    expect(a.port).not.toBe(b.port);
  });

  it('detects the port a unit without one listens on', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('web', { command: `node -e "require('net').createServer().listen(0, '127.0.0.1')"` })], new Set());
    await supervisor.start(['web']);
    const state = await waitFor(() => supervisor.get('web')?.port, { what: 'detected port' });
    expect(state).toBeGreaterThan(0);
    expect(supervisor.get('web')?.url).toBe(`http://localhost:${state}`);
  });

  it('reports the detected port of a service, without a URL (a service is not a web server)', async () => {
    const { supervisor } = await harness();
    await supervisor.upsert([unit('cache', { kind: 'service', command: ['node', '-e', "require('net').createServer().listen(0, '127.0.0.1')"] })], new Set());
    await supervisor.start(['cache']);
    const port = await waitFor(() => supervisor.get('cache')?.port, { what: 'detected port' });
    expect(port).toBeGreaterThan(0);
    expect(supervisor.get('cache')?.url).toBeUndefined();
  });
});
