// Finding the port a unit actually listens on, when it was not given one: its processes' sockets, from /proc.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { listeningSockets } from './proc-net.js';

/** Pids of the live processes in a process group (from /proc); zombies are left out, they hold no sockets. */
export async function processGroupPids(pgid: number): Promise<number[]> {
  const entries = await readdir('/proc');
  const pids = await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return undefined;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
      if (stat === undefined) return undefined; // the process ended while we looked
      // The command name in (...) may hold spaces and parentheses; the fields after its last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[0] !== 'Z' && Number(fields[2]) === pgid ? Number(entry) : undefined;
    }),
  );
  return pids.filter((pid): pid is number => pid !== undefined);
}

/** Inodes of the sockets a process holds open (links `socket:[INODE]` in /proc/PID/fd). */
async function socketInodes(pid: number): Promise<number[]> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  const inodes: number[] = [];
  for (const link of links) {
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match?.[1] !== undefined) inodes.push(Number(match[1]));
  }
  return inodes;
}

/** TCP ports that any of these processes listen on, ascending (their socket inodes matched against /proc/net/tcp{,6}). */
export async function detectListeningPorts(pids: number[]): Promise<number[]> {
  const inodes = new Set((await Promise.all(pids.map(socketInodes))).flat());
  // Most calls come before the unit has opened any socket: skip reading the kernel's tables then.
  if (inodes.size === 0) return [];
  const ports = new Set<number>();
  for (const socket of await listeningSockets()) if (inodes.has(socket.inode)) ports.add(socket.port);
  return [...ports].sort((a, b) => a - b);
}
