// Binding the daemon's listeners: the unix socket (mode 0600 from the start, replacing a dead daemon's socket) and TCP.
import { lstat, stat, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { MAX_SOCKET_PATH_BYTES } from '../../contract/discovery.js';

// sockaddr_un holds 108 bytes with the terminating NUL; a longer path fails (or is cut) at bind time.

/** Listens on a unix socket created with mode 0600. An existing socket that nobody answers on is replaced. */
export async function listenUnix(server: Server, path: string): Promise<void> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`socket path ${path} is too long (${Buffer.byteLength(path)} bytes; unix sockets allow ${MAX_SOCKET_PATH_BYTES}): use --socket with a shorter path`);
  }
  await removeStaleSocket(path);
  // The umask applies to the bind itself, so the socket never exists with a wider mode, not even for a moment.
  // listen() on a path binds synchronously, so the umask is restored before anything else runs.
  const previous = process.umask(0o177);
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  try {
    server.listen(path);
  } finally {
    process.umask(previous);
  }
  await listening;
  const mode = (await stat(path)).mode & 0o777;
  if (mode !== 0o600) throw new Error(`socket ${path} was created with mode ${mode.toString(8)}, not 600`);
}

/** Listens on TCP and returns the URL clients use (with the port the OS chose for port 0). */
export async function listenTcp(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error(`cannot read the address of ${host}:${port}`);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}

async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  if (await answers(path)) throw new Error(`socket ${path} is in use by another process`);
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
