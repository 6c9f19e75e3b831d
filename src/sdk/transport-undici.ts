// HTTP to a remote daemon with undici, over TCP with a bearer token: JSON calls and NDJSON streams. (The local unix
// socket is served by node:http, in transport-socket.ts.)
import { createRequire } from 'node:module';
import type { Pool as PoolType, RetryAgent as RetryAgentType } from 'undici';

// undici's Pool and request API on their own: the package's index also loads fetch, WebSocket, caches and mocks
// (~70 ms of every CLI command's start, against ~26 ms for these two). The index only puts the API on the
// dispatchers' prototype; here `request` is called on the pool instead. undici has no `exports` map, so the paths
// are reachable; a test checks they are the very class and function the index gives, so an upgrade that moves them
// fails loudly.
/** The module paths of undici's Pool class and of its request API. */
export const UNDICI_POOL_MODULE = 'undici/lib/dispatcher/pool.js';
export const UNDICI_API_MODULE = 'undici/lib/api/index.js';
export const UNDICI_RETRY_AGENT_MODULE = 'undici/lib/dispatcher/retry-agent.js';
// Required at run time, not imported: the CLI bundle then leaves undici out (~300 KB that every command would parse,
// for remote daemons only), and loads it from the package's node_modules at the first TCP call.
const requireUndici = createRequire(import.meta.url);
const Pool = requireUndici(UNDICI_POOL_MODULE) as typeof PoolType;
const { request } = requireUndici(UNDICI_API_MODULE) as { request: PoolType['request'] };
const RetryAgent = requireUndici(UNDICI_RETRY_AGENT_MODULE) as typeof RetryAgentType;
type Pool = PoolType;

/**
 * Retries of idempotent calls (GET, PUT, DELETE: never a POST, which may run a command twice) when the connection
 * fails or a proxy in front of the agent answers 502/503/504 (a cloud sandbox's URL while the agent restarts): up
 * to 4 tries, 200 ms apart and doubling, so a blip costs at most ~1.4 s before the call fails with one line.
 */
export const RETRY_OPTIONS = {
  maxRetries: 3,
  minTimeout: 200,
  maxTimeout: 1_000,
  timeoutFactor: 2,
  methods: ['GET', 'HEAD', 'PUT', 'DELETE'],
  statusCodes: [502, 503, 504],
  errorCodes: ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH', 'EPIPE', 'UND_ERR_SOCKET'],
} as const;
import type { SandboxApiError } from './errors.js';
import { errorFromReply, ndjson, unreachableError } from './reply.js';
import type { CallOptions, RemoteEndpoint, Transport } from './transport.js';

/** JSON calls and NDJSON streams to a daemon on TCP, over a pool of keep-alive connections. */
export class UndiciTransport implements Transport {
  private readonly pool: Pool;
  private readonly retrying: RetryAgentType;
  private readonly headers: Record<string, string>;
  readonly where: string;

  constructor(endpoint: RemoteEndpoint) {
    this.pool = new Pool(endpoint.url);
    this.retrying = new RetryAgent(this.pool, { ...RETRY_OPTIONS, methods: [...RETRY_OPTIONS.methods], statusCodes: [...RETRY_OPTIONS.statusCodes], errorCodes: [...RETRY_OPTIONS.errorCodes] });
    // The provider's own headers (a preview token its URLs need), then ours, which they may not replace.
    this.headers = { ...lowerCased(endpoint.headers ?? {}), authorization: `Bearer ${endpoint.token}` };
    this.where = endpoint.url;
  }

  /** Sends a request and returns its parsed JSON reply (undefined for 204); a non-2xx reply throws SandboxApiError. */
  async call<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
    const what = `${method} ${path}`;
    let res: Awaited<ReturnType<Pool['request']>>;
    try {
      res = await request.call(this.retrying, {
        method: method as 'GET',
        path,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs === undefined ? {} : { headersTimeout: options.timeoutMs }),
      });
    } catch (error) {
      throw this.unreachable(what, error);
    }
    const text = await res.body.text();
    if (res.statusCode >= 300) throw errorFromReply(res.statusCode, text, what);
    if (res.statusCode === 204 || text === '') return undefined as T;
    return JSON.parse(text) as T;
  }

  /** Opens an NDJSON stream and yields one parsed value per line; ends quietly when `signal` aborts. */
  async *stream<T>(path: string, signal?: AbortSignal): AsyncGenerator<T> {
    const what = `GET ${path}`;
    let res: Awaited<ReturnType<Pool['request']>>;
    try {
      // No body timeout: a stream may stay quiet for as long as nothing changes.
      res = await request.call(this.pool, { method: 'GET', path, headers: this.headers, bodyTimeout: 0, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) return;
      throw this.unreachable(what, error);
    }
    if (res.statusCode >= 300) throw errorFromReply(res.statusCode, await res.body.text(), what);
    try {
      yield* ndjson<T>(res.body as AsyncIterable<Buffer>);
    } catch (error) {
      if (signal?.aborted) return;
      throw this.unreachable(what, error);
    } finally {
      // A consumer that stops early closes the connection, so the daemon drops its side of the stream.
      res.body.destroy();
    }
  }

  /** Closes every connection; calls and streams still open fail. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private unreachable(what: string, error: unknown): SandboxApiError {
    const { code, statusCode } = error as { code?: string; statusCode?: number };
    if (code === 'UND_ERR_REQ_RETRY') return unreachableError(this.where, what, new Error(`HTTP ${statusCode} after ${RETRY_OPTIONS.maxRetries + 1} tries`));
    return unreachableError(this.where, what, error);
  }
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
