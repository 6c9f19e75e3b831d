// The transport over the local daemon's unix socket, on node:http: a one-shot CLI command pays neither for loading
// undici (~170 ms of `compute ps` on a loaded 2-core machine) nor for compiling its WebAssembly HTTP parser (~40 MiB of
// peak RSS). One connection per request and no keep-alive: a connect over a unix socket costs a fraction of a
// millisecond, and no idle connection can be closed by the daemon just as a call reuses it.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { errorFromReply, ndjson, unreachableError } from './reply.js';
import type { CallOptions, Transport } from './transport.js';

/** JSON calls and NDJSON streams over a unix socket. */
export class SocketTransport implements Transport {
  private readonly open = new Set<ClientRequest>();

  constructor(readonly where: string) {}

  async call<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
    const what = `${method} ${path}`;
    let res: IncomingMessage;
    let text: string;
    try {
      res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), options.signal, options.timeoutMs);
      text = await readText(res);
    } catch (error) {
      throw unreachableError(this.where, what, error);
    }
    const status = res.statusCode ?? 0;
    if (status >= 300) throw errorFromReply(status, text, what);
    if (status === 204 || text === '') return undefined as T;
    return JSON.parse(text) as T;
  }

  async *stream<T>(path: string, signal?: AbortSignal): AsyncGenerator<T> {
    const what = `GET ${path}`;
    let res: IncomingMessage;
    try {
      res = await this.send('GET', path, undefined, signal, undefined);
    } catch (error) {
      if (signal?.aborted) return;
      throw unreachableError(this.where, what, error);
    }
    const status = res.statusCode ?? 0;
    if (status >= 300) throw errorFromReply(status, await readText(res), what);
    try {
      yield* ndjson<T>(res);
    } catch (error) {
      if (signal?.aborted) return;
      throw unreachableError(this.where, what, error);
    } finally {
      // A consumer that stops early closes the connection, so the daemon drops its side of the stream.
      res.destroy();
    }
  }

  async close(): Promise<void> {
    for (const req of this.open) req.destroy(new Error('the client was closed'));
    this.open.clear();
  }

  // Resolves with the reply once its headers are in; `timeoutMs` bounds the wait for them, as undici's headersTimeout.
  private send(method: string, path: string, body: string | undefined, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { host: 'localhost' };
      if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      // A connection of its own and no agent: an agent would work out a TLS server name from the host on every request
      // (compiling node's IPv6 pattern: ~8 ms of a `compute ps`).
      const req = request({ createConnection: () => connect(this.where), path, method, headers, ...(signal ? { signal } : {}) });
      this.open.add(req);
      req.once('close', () => this.open.delete(req));
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => req.destroy(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      req.once('response', (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });
  }
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('the reply was cut off')));
  });
}
