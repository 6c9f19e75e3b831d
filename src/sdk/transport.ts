// The transport of the SDK client: JSON calls and NDJSON streams to one daemon. Over the local unix socket it is
// node:http (transport-socket.ts); over TCP to a remote daemon it is undici (transport-undici.ts), loaded at the first
// call, so that a CLI command talking to the local daemon never loads undici (issue 14: ~40 % of `compute ps`).
import { SocketTransport } from './transport-socket.js';

/** A daemon reached over TCP: its URL, its token, and headers the provider's URLs need (sent on every request). */
export interface RemoteEndpoint {
  url: string;
  token: string;
  headers?: Record<string, string>;
}

/** Where a daemon is: its unix socket, or its TCP URL and token. */
export type Endpoint = { socketPath: string } | RemoteEndpoint;

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Milliseconds to wait for the reply's headers (default: no limit beyond undici's 5 minutes). */
  timeoutMs?: number;
}

/** JSON calls and NDJSON streams to one daemon. */
export interface Transport {
  /** The socket path or URL. */
  readonly where: string;
  /** Sends a request and returns its parsed JSON reply (undefined for 204); a non-2xx reply throws SandboxApiError. */
  call<T>(method: string, path: string, body?: unknown, options?: CallOptions): Promise<T>;
  /** Opens an NDJSON stream and yields one parsed value per line; ends quietly when `signal` aborts. */
  stream<T>(path: string, signal?: AbortSignal): AsyncGenerator<T>;
  /** Closes every connection; calls and streams still open fail. */
  close(): Promise<void>;
}

/** The transport for an endpoint: node:http for a unix socket, undici (loaded on first use) for TCP. */
export function openTransport(endpoint: Endpoint): Transport {
  return 'socketPath' in endpoint ? new SocketTransport(endpoint.socketPath) : lazyUndici(endpoint);
}

function lazyUndici(endpoint: RemoteEndpoint): Transport {
  let loaded: Promise<Transport> | undefined;
  let closed = false;
  const get = () => (loaded ??= import('./transport-undici.js').then((module) => new module.UndiciTransport(endpoint)));
  return {
    where: endpoint.url,
    call: async (method, path, body, options) => (await get()).call(method, path, body, options),
    stream: async function* (path, signal) {
      yield* (await get()).stream(path, signal);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (loaded) await (await loaded).close();
    },
  } as Transport;
}
