// ensureLocalDaemon and findLocalDaemon with real daemons spawned in the background (node bin/compute.js daemon).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive, readDaemonInfo, readPidFile } from '../../src/contract/discovery.js';
import { ensureLocalDaemon, findLocalDaemon, type SandboxClient } from '../../src/sdk/index.js';
import { daemonPidsOf } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const stateDirs: string[] = [];
const clients: SandboxClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  // Every daemon started here is stopped: SIGTERM stops its units too.
  for (const stateDir of stateDirs.splice(0)) {
    for (const pid of daemonPidsOf(stateDir)) {
      process.kill(pid, 'SIGTERM');
      await waitFor(() => !pidAlive(pid), { what: `daemon ${pid} to exit` });
    }
  }
});

function sandbox(nested = ''): { root: string; stateDir: string } {
  const base = join(tempDir('compute-sdk-'), nested);
  const stateDir = join(base, 'state');
  stateDirs.push(stateDir);
  return { root: join(base, 'root'), stateDir };
}

function track(client: SandboxClient): SandboxClient {
  clients.push(client);
  return client;
}

describe('findLocalDaemon', () => {
  it('treats a socket that accepts but never answers as no daemon', async () => {
    const { stateDir } = sandbox();
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(join(stateDir, 'daemon.sock'), resolve));
    try {
      expect(await findLocalDaemon(stateDir, undefined, 200)).toBeUndefined();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });
});

describe('ensureLocalDaemon', () => {
  it('starts a detached daemon when none answers, and reconnects to the same one later', async () => {
    const { root, stateDir } = sandbox();
    expect(await findLocalDaemon(stateDir)).toBeUndefined();
    const first = track(await ensureLocalDaemon({ root, stateDir }));
    const pid = readPidFile(stateDir);
    expect(pid).toBeDefined();
    expect(pidAlive(pid as number)).toBe(true);
    await first.services.upsert('cache', { cmd: 'sleep', args: ['300'] });

    const again = track(await ensureLocalDaemon({ root, stateDir }));
    expect(readPidFile(stateDir)).toBe(pid);
    expect((await again.services.get('cache')).name).toBe('cache');
    const found = track((await findLocalDaemon(stateDir)) as SandboxClient);
    expect((await found.units()).map((u) => u.name)).toEqual(['cache']);
    expect(daemonPidsOf(stateDir)).toEqual([pid]);
  });

  it('replaces a stale socket and daemon.json left by a daemon that died', async () => {
    const { root, stateDir } = sandbox();
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const socketPath = join(stateDir, 'daemon.sock');
    const script = `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`;
    expect(spawnSync(process.execPath, ['-e', script]).signal).toBe('SIGKILL');
    writeFileSync(join(stateDir, 'daemon.json'), JSON.stringify({ pid: 999_999, socket: socketPath, started_at: '', root }));
    writeFileSync(join(stateDir, 'daemon.pid'), '999999\n');

    const client = track(await ensureLocalDaemon({ root, stateDir }));
    expect(await client.health()).toMatchObject({ status: 'ok' });
    const info = readDaemonInfo(stateDir);
    expect(info?.pid).not.toBe(999_999);
    expect(pidAlive(info?.pid as number)).toBe(true);
  });

  it('gives one daemon to two callers racing to start it', async () => {
    const { root, stateDir } = sandbox();
    const [a, b] = await Promise.all([ensureLocalDaemon({ root, stateDir }), ensureLocalDaemon({ root, stateDir })]);
    track(a);
    track(b);
    await a.services.upsert('shared', { cmd: 'sleep', args: ['300'] });
    expect((await b.services.get('shared')).name).toBe('shared');
    // The loser of the race exits on its own; one daemon remains.
    await waitFor(() => daemonPidsOf(stateDir).length === 1, { what: 'one daemon' });
    expect(daemonPidsOf(stateDir)).toEqual([readPidFile(stateDir)]);
  });

  it('reports the daemon\'s own output when it dies before answering', async () => {
    const { stateDir } = sandbox();
    const base = tempDir();
    const notAFolder = join(base, 'file');
    writeFileSync(notAFolder, '');
    const error = (await ensureLocalDaemon({ root: join(notAFolder, 'root'), stateDir }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^the sandbox daemon exited \(exit code 1\) before answering:\ncompute: daemon: .*ENOTDIR/);
  });

  it('refuses a state folder whose daemon serves another root', async () => {
    const { root, stateDir } = sandbox();
    track(await ensureLocalDaemon({ root, stateDir }));
    await expect(ensureLocalDaemon({ root: join(root, 'elsewhere'), stateDir })).rejects.toThrow(`serves root ${root}, not ${join(root, 'elsewhere')}`);
  });
});

describe('a project deep in the file system', () => {
  it('gets its daemon socket in the temp folder when the state folder path is too long for a unix socket', async () => {
    const { root, stateDir } = sandbox(`${'a-rather-long-folder-name/'.repeat(4)}project`);
    expect(Buffer.byteLength(join(stateDir, 'daemon.sock'))).toBeGreaterThan(107);
    const client = track(await ensureLocalDaemon({ root, stateDir }));
    expect(await client.health()).toMatchObject({ status: 'ok' });
    const socket = readDaemonInfo(stateDir)?.socket ?? '';
    expect(dirname(socket)).toBe(tmpdir());
    expect(socket).toMatch(/compute-[0-9a-f]{20}\.sock$/);
    // Found again from the state folder alone, as every later command does.
    const again = track((await findLocalDaemon(stateDir)) as SandboxClient);
    expect(again).toBeDefined();
  });
});
