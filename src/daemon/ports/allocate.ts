// Choosing the port a unit gets: the requested one when free, else the next free one above it, or a clear error.
import { createServer } from 'node:net';

/** The requested port is taken (by another process, or reserved for another unit) and strict_port forbids another. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    message = `port ${port} is already in use`,
  ) {
    super(message);
    this.name = 'PortInUseError';
  }
}

const MAX_PORT = 65_535;

/** Tries to listen on `host:port`; resolves to the error code, or undefined when it could listen. */
function tryListen(port: number, host: string, ipv6Only: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'EUNKNOWN'));
    // exclusive: a cluster worker must not be handed the primary's handle, which would hide a conflict.
    server.listen({ port, host, ipv6Only, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * True when nothing listens on `port` on any address, and this process could listen on it.
 * Decided by the kernel with a bind on `::` in dual-stack mode, which on Linux conflicts with a listener on any IPv4
 * or IPv6 address of the port (checked by test). Why a bind rather than reading /proc/net/tcp: it asks exactly
 * what the unit will ask, so it also catches a port that is bound but not yet listening and a port below 1024 that
 * an unprivileged unit may not take. Where IPv6 is disabled it falls back to a bind on 0.0.0.0.
 */
export async function isPortFree(port: number): Promise<boolean> {
  const dual = await tryListen(port, '::', false);
  if (dual === 'EAFNOSUPPORT' || dual === 'EADDRNOTAVAIL') return (await tryListen(port, '0.0.0.0', false)) === undefined;
  return dual === undefined;
}

/**
 * The port to give a unit: `requested` if free; else the next free one above it (strict=false) or PortInUseError.
 * Two calls at once may pick the same port: callers serialise them, adding each result to `reserved` for the next.
 */
export async function allocatePort(
  requested: number,
  opts: { strict: boolean; reserved: ReadonlySet<number> },
): Promise<number> {
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_PORT) {
    throw new RangeError(`Expected a port from 1 to ${MAX_PORT}, got ${requested}`);
  }
  const usable = async (port: number) => !opts.reserved.has(port) && (await isPortFree(port));
  if (await usable(requested)) return requested;
  if (opts.strict) throw new PortInUseError(requested);
  for (let port = requested + 1; port <= MAX_PORT; port++) {
    if (await usable(port)) return port;
  }
  throw new PortInUseError(requested, `port ${requested} is already in use and no port above it is free`);
}
