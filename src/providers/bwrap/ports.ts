// Host ports into a sandbox, through slirp4netns's API socket (one JSON request per connection). The forwarder is
// the one record of which ports are forwarded, so any process finds the forward another one made.
import { connect, createServer } from 'node:net';

interface HostForward {
  id: number;
  proto: string;
  host_addr: string;
  host_port: number;
  guest_port: number;
}

const API_TIMEOUT_MS = 5_000;

/** Sends one request to the forwarder's API socket and returns its `return` value; throws on its `error`. */
export function forwarderCall(socket: string, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const connection = connect(socket);
    let reply = '';
    const timer = setTimeout(() => connection.destroy(new Error(`no reply from the forwarder within ${API_TIMEOUT_MS} ms`)), API_TIMEOUT_MS);
    connection.on('data', (chunk) => (reply += chunk.toString('utf8')));
    connection.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`bwrap provider: the port forwarder did not answer (${error.message})`));
    });
    connection.on('end', () => {
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(reply) as { return?: Record<string, unknown>; error?: { desc?: string } };
        if (parsed.error) reject(new Error(`bwrap provider: port forwarder: ${parsed.error.desc ?? 'error'}`));
        else resolve(parsed.return ?? (parsed as Record<string, unknown>));
      } catch {
        reject(new Error(`bwrap provider: the port forwarder answered ${JSON.stringify(reply)}`));
      }
    });
    connection.end(JSON.stringify(request));
  });
}

/** The TCP forwards the forwarder has, from 127.0.0.1 on the host into the sandbox. */
export async function listForwards(socket: string): Promise<HostForward[]> {
  const reply = await forwarderCall(socket, { execute: 'list_hostfwd' });
  return ((reply.entries ?? []) as HostForward[]).filter((entry) => entry.proto === 'tcp');
}

// A port the kernel reports free on 127.0.0.1 just now (the forwarder is then asked to bind it; a race retries).
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The host port on 127.0.0.1 that reaches `guestPort` in the sandbox, forwarding one now if there is none. */
export async function hostPortFor(socket: string, guestPort: number): Promise<number> {
  if (!Number.isInteger(guestPort) || guestPort < 1 || guestPort > 65535) throw new Error(`bwrap provider: invalid port ${guestPort}`);
  const existing = (await listForwards(socket)).find((entry) => entry.guest_port === guestPort);
  if (existing) return existing.host_port;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const hostPort = await freeLoopbackPort();
    try {
      const args = { proto: 'tcp', host_addr: '127.0.0.1', host_port: hostPort, guest_port: guestPort };
      await forwarderCall(socket, { execute: 'add_hostfwd', arguments: args });
      return hostPort;
    } catch (error) {
      lastError = error; // another process took the port between our check and the forwarder's bind
    }
  }
  throw lastError;
}
