// The routes end to end with the real supervisor, log store and processes: a 2.x server that becomes ready through
// its HTTP health check, the event stream, logs followed across a restart, readiness, and stop on close.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon/main.js';
import { connect, type SandboxClient } from '../../../src/sdk/index.js';
import type { LogLine } from '../../../src/contract/wire.js';
import { isAlive, processGroupMembers } from '../../helpers/procs.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const HELLO = fileURLToPath(new URL('./fixtures/hello-server.mjs', import.meta.url));
const daemons: RunningDaemon[] = [];
const clients: SandboxClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const daemon of daemons.splice(0)) await daemon.close();
});

async function start(): Promise<{ daemon: RunningDaemon; sdk: SandboxClient }> {
  const base = tempDir('compute-real-');
  const daemon = await startDaemon({ root: join(base, 'root'), stateDir: join(base, 'state') });
  daemons.push(daemon);
  const sdk = connect({ socketPath: daemon.socketPath });
  clients.push(sdk);
  return { daemon, sdk };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('HTTP API with the real supervisor', () => {
  it('starts a 2.x server to ready, streams its events, follows its logs across a restart, and stops it', async () => {
    const { daemon, sdk } = await start();
    const port = await freePort();
    const controller = new AbortController();
    const events: string[] = [];
    const watching = (async () => {
      for await (const item of sdk.events(controller.signal)) {
        if (item.type === 'event' && item.event.unit === 'hello') events.push(item.event.to);
      }
    })();

    const created = await sdk.server.start({
      slug: 'hello',
      start: `exec ${process.execPath} ${HELLO}`,
      port,
      health_check: { path: '/', interval_ms: 100, delay_ms: 0 },
    });
    expect(created).toMatchObject({ slug: 'hello', port });
    await waitFor(() => events.includes('ready'), { what: 'a ready event' });
    const ready = await sdk.ready();
    expect(ready).toMatchObject({ ready: true, healthy: true, servers: [{ slug: 'hello', port, url: `http://localhost:${port}`, status: 'ready', healthy: true }] });
    const first = (await sdk.server.retrieve('hello')).pid as number;
    expect(isAlive(first)).toBe(true);

    const lines: LogLine[] = [];
    const following = (async () => {
      for await (const line of sdk.unitLogs('hello', { follow: true, signal: controller.signal })) lines.push(line);
    })();
    await waitFor(() => lines.some((l) => l.text === `hello from ${first}`), { what: 'the first process\'s line' });
    const restarted = await sdk.server.restart('hello');
    const second = await waitFor(async () => {
      const pid = (await sdk.server.retrieve('hello')).pid;
      return pid !== first ? pid : undefined;
    }, { what: 'a new pid' });
    expect(restarted.slug).toBe('hello');
    await waitFor(() => lines.some((l) => l.text === `hello from ${second}`), { what: 'the new process\'s line in the same follow' });
    expect(lines.some((l) => l.stream === 'stderr' && l.text === `warming up ${first}`)).toBe(true);
    expect((await sdk.server.logs('hello', { stream: 'stdout' })).logs).toContain(`hello from ${second}\n`);

    await sdk.server.stop('hello');
    expect((await sdk.server.retrieve('hello')).status).toBe('stopped');
    expect(processGroupMembers(second)).toEqual([]);
    expect(events).toContain('stopped');
    controller.abort();
    await Promise.all([watching, following]);
    await daemon.close();
  });

  it('reports why a server failed (its reason), and stops running units on close', async () => {
    const { daemon, sdk } = await start();
    await sdk.services.upsert('sleeper', { cmd: 'sleep', args: ['300'] });
    await sdk.services.start('sleeper');
    const pid = await waitFor(async () => (await sdk.services.get('sleeper')).pid, { what: 'the sleeper pid' });
    await sdk.server.start({ slug: 'nowhere', start: 'true', path: '/does/not/exist' });
    const failed = await waitFor(async () => {
      const server = await sdk.server.retrieve('nowhere');
      return server.status === 'failed' ? server : undefined;
    }, { what: 'the server to fail' });
    expect(failed.reason).toEqual({ kind: 'spawn_failed', error: expect.stringMatching(/^working directory \/does\/not\/exist does not exist in the sandbox/) });
    await daemon.close();
    expect(processGroupMembers(pid)).toEqual([]);
  });
});

describe('overlays API with the real overlay manager', () => {
  it('creates an overlay, reports its copy, serves a server whose inline overlay it waits for, and destroys it', async () => {
    const { daemon, sdk } = await start();
    const template = tempDir('compute-template-');
    mkdirSync(join(template, 'src'));
    writeFileSync(join(template, 'src', 'index.js'), 'console.log("from the template")\n');
    writeFileSync(join(template, 'skip.log'), 'ignored\n');

    const created = await sdk.overlays.create({ source: template, target: 'app', strategy: 'copy', ignore: ['*.log'] });
    expect(created).toMatchObject({ source: template, target: '/app', strategy: 'copy', ignore: ['*.log'] });
    expect(created.id).toMatch(/^overlay-/);
    const complete = await waitFor(async () => {
      const record = await sdk.overlays.retrieve(created.id);
      return record.copy_status === 'complete' ? record : undefined;
    }, { what: 'the copy to complete' });
    expect(complete.stats.copied_files).toBe(1);
    expect(existsSync(join(daemon.socketPath, '..', '..', 'root', 'app', 'src', 'index.js'))).toBe(true);
    expect((await sdk.overlays.list()).map((o) => o.id)).toEqual([created.id]);
    expect((await sdk.ready()).overlays).toEqual([{ id: created.id, source: template, target: '/app', copy_status: 'complete' }]);

    const server = await sdk.server.start({
      slug: 'app',
      start: `exec ${process.execPath} src/index.js`,
      path: '/web',
      overlay: { source: template, target: 'web', strategy: 'copy' },
    });
    expect(server.depends_on).toHaveLength(1);
    await waitFor(async () => (await sdk.server.logs('app')).logs.includes('from the template'), { what: 'the server to run from its overlay' });

    await sdk.overlays.destroy(created.id);
    expect(existsSync(join(daemon.socketPath, '..', '..', 'root', 'app', 'src', 'index.js'))).toBe(false);
    await expect(sdk.overlays.retrieve(created.id)).rejects.toMatchObject({ status: 404, message: `overlay "${created.id}" not found` });
    await expect(sdk.overlays.destroy(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it.each([
    [{ target: 'app' }, 'overlays: "source" is required'],
    [{ source: '/tmp', target: 'app', strategy: 'clever' }, 'overlays: "strategy" must be one of copy, smart'],
    [{ source: '/does/not/exist', target: 'app' }, '/does/not/exist'],
    [{ source: '/tmp', target: '../../etc' }, 'escapes the sandbox root'],
  ])('answers 400 for %j', async (body, message) => {
    const { sdk } = await start();
    const error = await sdk.overlays.create(body as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain(message);
  });
});
