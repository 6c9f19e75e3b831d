// allocatePort and isPortFree against real listeners on loopback.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortInUseError, allocatePort, isPortFree } from '../../../src/daemon/ports/index.js';
import { closedPort } from './spawn-listening.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Listens on `host:port` (0 = any free port) until the end of the test; resolves to the port. */
async function hold(host: string, port = 0): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, resolve);
  });
  return (server.address() as { port: number }).port;
}

/** A held port whose next port up is free, so "the next free one" has one right answer. */
async function heldWithFreeNext(): Promise<number> {
  for (;;) {
    const port = await hold('127.0.0.1');
    if (port < 65_535 && (await isPortFree(port + 1))) return port;
  }
}

describe('isPortFree', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::1', '::'])('is false while something listens on %s, true after', async (host) => {
    const port = await hold(host);
    expect(await isPortFree(port)).toBe(false);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await isPortFree(port)).toBe(true);
  });
});

describe('allocatePort', () => {
  it('gives the requested port when it is free', async () => {
    const port = await closedPort();
    expect(await allocatePort(port, { strict: true, reserved: new Set() })).toBe(port);
    expect(await allocatePort(port, { strict: false, reserved: new Set() })).toBe(port);
  });

  it('gives the next free port when the requested one is taken and strict is false', async () => {
    const taken = await heldWithFreeNext();
    expect(await allocatePort(taken, { strict: false, reserved: new Set() })).toBe(taken + 1);
  });

  it('fails with a clear message when the requested port is taken and strict is true', async () => {
    const taken = await hold('127.0.0.1');
    const attempt = allocatePort(taken, { strict: true, reserved: new Set() });
    await expect(attempt).rejects.toThrow(PortInUseError);
    await expect(attempt).rejects.toThrow(new RegExp(`^port ${taken} is already in use$`));
  });

  it('skips ports reserved for other units, the requested one included', async () => {
    const port = await closedPort();
    const reserved = new Set([port, port + 1, port + 2]);
    const given = await allocatePort(port, { strict: false, reserved });
    expect(given).toBeGreaterThan(port + 2);
    expect(reserved.has(given)).toBe(false);
    await expect(allocatePort(port, { strict: true, reserved })).rejects.toThrow(`port ${port} is already in use`);
  });

  it.each([0, -1, 65_536, 1.5])('rejects the invalid port %s', async (port) => {
    await expect(allocatePort(port, { strict: false, reserved: new Set() })).rejects.toThrow(RangeError);
  });
});
