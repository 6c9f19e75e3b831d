// Reading the kernel's socket tables: which TCP ports are listened on, and by which socket inodes.
import { readFile } from 'node:fs/promises';

/** The `st` column of /proc/net/tcp{,6} for a listening socket (TCP_LISTEN). */
const TCP_LISTEN = '0A';

/** One listening socket: its local port and the inode that links it to a process's file descriptors. */
export interface ListeningSocket {
  port: number;
  inode: number;
}

/**
 * Pure parser of /proc/net/tcp and /proc/net/tcp6 text: the listening sockets' ports and inodes. Rows in any other
 * state are skipped: an accepted connection carries the listener's port as its local port, and a TIME_WAIT row is
 * left behind by a server that has gone, so counting them would report ports nobody listens on.
 */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n')) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (fields[3] !== TCP_LISTEN || local === undefined) continue;
    const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const inode = Number(fields[9]);
    if (Number.isInteger(port) && Number.isInteger(inode)) sockets.push({ port, inode });
  }
  return sockets;
}

/** Every listening TCP socket of this network namespace, IPv4 and IPv6. */
export async function listeningSockets(): Promise<ListeningSocket[]> {
  const tables = await Promise.all(
    // A kernel without IPv6 has no tcp6 table; that is no listener, not an error.
    ['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')),
  );
  return tables.flatMap(parseProcNetTcp);
}
