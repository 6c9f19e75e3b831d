// The SDK client against an in-process daemon (in-memory supervisor): typed calls, errors, streams.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverSpec, serviceSpec } from '../../src/daemon/http/wire/specs.js';
import { connect, SandboxApiError, type SandboxClient } from '../../src/sdk/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { startTestDaemon } from '../daemon/http/harness.js';
import { afterEach } from 'vitest';

const clients: SandboxClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});
function track(client: SandboxClient): SandboxClient {
  clients.push(client);
  return client;
}

describe('SDK client', () => {
  it('drives servers and services with typed replies', async () => {
    const { daemon } = await startTestDaemon();
    const sdk = track(connect({ socketPath: daemon.socketPath }));
    const server = await sdk.server.start({ slug: 'web', start: 'npm run dev', path: '/app', port: 3000 });
    expect(server).toMatchObject({ slug: 'web', path: '/app', port: 3000 });
    expect((await sdk.server.list()).map((s) => s.slug)).toEqual(['web']);
    expect((await sdk.server.retrieve('web')).slug).toBe('web');
    expect((await sdk.server.restart('web')).slug).toBe('web');
    await sdk.server.stop('web');
    expect((await sdk.server.retrieve('web')).status).toBe('stopped');
    expect(await sdk.server.logs('web', { stream: 'stdout' })).toEqual({ slug: 'web', stream: 'stdout', logs: '' });
    await sdk.server.delete('web');
    expect(await sdk.server.list()).toEqual([]);

    const service = await sdk.services.upsert('cache', { cmd: 'redis-server', health_port: 6379 });
    expect(service).toMatchObject({ name: 'cache', status: 'stopped', health_port: 6379 });
    // Started, not yet accepting connections on its health port: `unknown` in the seed API's terms.
    expect((await sdk.services.start('cache')).status).toBe('unknown');
    expect((await sdk.services.get('cache')).name).toBe('cache');
    expect((await sdk.services.stop('cache')).status).toBe('stopped');
    expect(await sdk.services.list()).toHaveLength(1);
    await sdk.services.delete('cache');
    expect(await sdk.services.list()).toEqual([]);
    expect(await sdk.health()).toMatchObject({ status: 'ok' });
    expect(await sdk.ready()).toEqual({ ready: true, healthy: true, servers: [], overlays: [] });
  });

  it('applies, starts, stops, restarts and removes units', async () => {
    const { daemon, fake } = await startTestDaemon();
    const sdk = track(connect({ socketPath: daemon.socketPath }));
    const specs = [serviceSpec('db', { cmd: 'db' }), serverSpec({ slug: 'api', start: 'x' })];
    expect((await sdk.applyUnits(specs)).map((u) => u.spec.hash)).toEqual(specs.map((s) => s.hash));
    expect((await sdk.startUnits(['db'])).map((u) => u.status)).toEqual(['pending']);
    await waitFor(() => fake.get('db')?.status === 'ready', { what: 'db ready' });
    expect((await sdk.unit('db'))?.status).toBe('ready');
    expect(await sdk.unit('ghost')).toBeUndefined();
    expect((await sdk.restartUnit('db')).status).toBe('running');
    expect((await sdk.stopUnits(['db'])).map((u) => u.status)).toEqual(['stopped']);
    await sdk.removeUnits(['db', 'api']);
    expect(await sdk.units()).toEqual([]);
  });

  it('turns daemon errors into SandboxApiError with the status and the daemon\'s message', async () => {
    const { daemon } = await startTestDaemon();
    const sdk = track(connect({ socketPath: daemon.socketPath }));
    const error = await sdk.server.retrieve('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxApiError);
    expect(error).toMatchObject({ status: 404, message: 'server "nope" not found', request: 'GET /servers/nope', unreachable: false });
    await expect(sdk.server.start({ slug: 'x', start: 'y', port: 0 })).rejects.toMatchObject({
      status: 400,
      message: 'servers: "port" must be an integer between 1 and 65535',
    });
    await expect(sdk.startUnits(['ghost'])).rejects.toMatchObject({ status: 404, message: 'unit "ghost" not found' });
    await expect(sdk.overlays.list()).rejects.toMatchObject({ status: 501, message: 'overlays are not available on this daemon' });
  });

  it('reports an unreachable daemon with status 0', async () => {
    const sdk = track(connect({ socketPath: join(tempDir(), 'nobody.sock') }));
    const error = await sdk.units().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxApiError);
    expect(error).toMatchObject({ status: 0, unreachable: true });
    expect((error as Error).message).toMatch(/^cannot reach the sandbox daemon at .*nobody\.sock: ENOENT$/);
  });

  it('streams events until the signal aborts, then ends quietly', async () => {
    const { daemon, fake } = await startTestDaemon();
    await fake.upsert([serverSpec({ slug: 'api', start: 'x' })], new Set());
    const sdk = track(connect({ socketPath: daemon.socketPath }));
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const item of sdk.events(controller.signal)) {
        if (item.type === 'snapshot') {
          seen.push(`snapshot ${item.units.map((u) => u.name).join(',')}`);
          await sdk.startUnits(['api']);
        } else {
          seen.push(`${item.event.unit} ${item.event.to}`);
          if (item.event.to === 'ready') controller.abort();
        }
      }
    })();
    await reading;
    expect(seen).toEqual(['snapshot api', 'api pending', 'api starting', 'api running', 'api ready']);
  });

  it('follows a unit\'s logs, and a consumer that breaks early closes the stream', async () => {
    const { daemon, fake } = await startTestDaemon();
    await fake.upsert([serverSpec({ slug: 'api', start: 'x' })], new Set());
    fake.logs.append('api', 'stdout', 'one');
    const sdk = track(connect({ socketPath: daemon.socketPath }));
    expect((await collect(sdk.unitLogs('api', { tail: 5 }))).map((l) => l.text)).toEqual(['one']);
    const texts: string[] = [];
    for await (const line of sdk.unitLogs('api', { follow: true, stream: 'stdout' })) {
      texts.push(line.text);
      if (texts.length === 1) fake.logs.append('api', 'stdout', 'two');
      if (texts.length === 2) break;
    }
    expect(texts).toEqual(['one', 'two']);
    await expect(collect(sdk.unitLogs('ghost'))).rejects.toMatchObject({ status: 404 });
  });

  it('talks TCP with a token, and a wrong token gets 401', async () => {
    const { daemon } = await startTestDaemon({ listen: { host: '127.0.0.1', port: 0, token: 'tok' } });
    const sdk = track(connect({ url: daemon.url as string, token: 'tok' }));
    expect(await sdk.units()).toEqual([]);
    const wrong = track(connect({ url: daemon.url as string, token: 'nope' }));
    await expect(wrong.units()).rejects.toMatchObject({ status: 401 });
    expect(await wrong.health()).toMatchObject({ status: 'ok' });
  });

  it('shutdown stops every unit and the daemon closes', async () => {
    const { daemon, fake } = await startTestDaemon();
    const sdk = track(connect({ socketPath: daemon.socketPath }));
    await sdk.server.start({ slug: 'web', start: 'x' });
    await sdk.shutdown();
    expect(fake.get('web')?.status).toBe('stopped');
    await daemon.closed;
    await expect(sdk.units()).rejects.toMatchObject({ status: 0 });
  });
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
