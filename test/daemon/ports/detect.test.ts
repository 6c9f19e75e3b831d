// Port detection on a real process group: a shell that starts a node listener on a port the OS picks.
import { describe, expect, it } from 'vitest';
import { detectListeningPorts, processGroupPids } from '../../../src/daemon/ports/index.js';
import { fixture, spawnListening } from './spawn-listening.js';

describe('processGroupPids', () => {
  it('lists the shell and the listener it started, and nothing else', async () => {
    // `; true` keeps the shell alive as the listener's parent, so the group has two processes.
    const { pid } = await spawnListening('/bin/sh', ['-c', `node ${fixture('listener.mjs')}; true`]);
    const pids = await processGroupPids(pid);
    expect(pids).toContain(pid);
    expect(pids).toHaveLength(2);
  });

  it('is empty for a group that does not exist', async () => {
    // pid_max is at most 2^22, so this group id cannot exist.
    expect(await processGroupPids(2 ** 23)).toEqual([]);
  });
});

describe('detectListeningPorts', () => {
  it.each(['127.0.0.1', '::'])('finds the port a grandchild listens on (%s)', async (host) => {
    const { pid, port } = await spawnListening('/bin/sh', ['-c', `node ${fixture('listener.mjs')} 0 ${host}; true`]);
    expect(await detectListeningPorts(await processGroupPids(pid))).toEqual([port]);
  });

  it('finds nothing for a process group without sockets', async () => {
    const { pid } = await spawnListening('/bin/sh', ['-c', 'echo listening 0; exec sleep 60']);
    expect(await detectListeningPorts(await processGroupPids(pid))).toEqual([]);
  });

  it('does not take a connected socket for a listener', async () => {
    // The client's socket is in /proc/net/tcp under its inode, with a local port, in state ESTABLISHED.
    const server = await spawnListening('node', [fixture('listener.mjs')]);
    const connect = `require('net').connect(${server.port}, '127.0.0.1', () => console.log('listening 0'))`;
    const client = await spawnListening('node', ['-e', connect]);
    expect(await detectListeningPorts(await processGroupPids(client.pid))).toEqual([]);
    expect(await detectListeningPorts([server.pid])).toEqual([server.port]);
  });

  it('finds nothing for processes that are gone', async () => {
    expect(await detectListeningPorts([2 ** 23])).toEqual([]);
  });
});
