// HTTP health probe: GET over a kept-alive loopback connection, healthy on 2xx/3xx.
import { connect, type Socket } from 'node:net';
import { parseResponse } from './http-response.js';

/** A probe's answer. */
type Result = { ok: boolean; error?: string };

/** Body bytes read to keep a connection reusable; past this the connection is closed instead (e.g. an endless stream). */
const BODY_LIMIT = 64 * 1024;
/** An idle connection unused for this long is closed (its unit was stopped, or its checks are far apart). */
const IDLE_CLOSE_MS = 10_000;

/** Where a probe URL leads, and the request bytes sent for it (built once per URL). */
interface Target {
  host: string;
  port: number;
  key: string;
  request: Buffer;
}

/** Idle connections by `host:port`, at most one per target. */
const idle = new Map<string, ProbeConnection>();
const targets = new Map<string, Target>();

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target) return target;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') throw new Error(`unsupported protocol ${parsed.protocol}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(parsed.port || 80);
  const request = Buffer.from(`GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\nHost: ${parsed.host}\r\nUser-Agent: compute-health\r\nAccept: */*\r\n\r\n`, 'latin1');
  target = { host, port, key: `${host}:${port}`, request };
  // Units come and go; the cache of parsed URLs must not grow with them forever.
  if (targets.size >= 10_000) targets.clear();
  targets.set(url, target);
  return target;
}

/** One connection to a target, carrying one probe at a time. */
class ProbeConnection {
  private probe: Probe | undefined;
  private received: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(
    readonly target: Target,
    private readonly socket: Socket,
    /** Whether it has carried a response already (a reused connection may have been closed by the server meanwhile). */
    public reused: boolean,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_CLOSE_MS, () => {
      if (!this.probe) this.close();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // `on`, not `once`: an error after the probe has finished must not be an uncaught 'error' event.
    socket.on('error', (error) => this.onEnd(error.message));
    socket.on('close', () => this.onEnd('connection closed before a response'));
  }

  static open(target: Target): ProbeConnection {
    return new ProbeConnection(target, connect({ host: target.host, port: target.port }), false);
  }

  /** Sends the probe's request. */
  send(probe: Probe): void {
    this.probe = probe;
    this.received = Buffer.alloc(0);
    this.socket.ref();
    this.socket.write(this.target.request);
  }

  /** Closes the connection; a probe on it gets no further answer from it. */
  close(): void {
    this.probe = undefined;
    this.closed = true;
    if (idle.get(this.target.key) === this) idle.delete(this.target.key);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const probe = this.probe;
    // Bytes nobody asked for: the connection is out of step, drop it.
    if (!probe) return this.close();
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const progress = parseResponse(this.received, BODY_LIMIT);
    if (progress.state === 'partial') return;
    this.probe = undefined;
    if (progress.state === 'invalid') {
      this.close();
      return probe.finish({ ok: false, error: progress.error });
    }
    if (progress.reusable) this.park();
    else this.close();
    const { status } = progress;
    probe.finish(status >= 200 && status < 400 ? { ok: true } : { ok: false, error: `HTTP ${status}` });
  }

  private onEnd(reason: string): void {
    if (this.closed) return;
    const probe = this.probe;
    const answered = this.received.length > 0;
    this.close();
    if (!probe) return;
    // A kept-alive connection the server closed just as the request went out: try once more on a new one.
    if (this.reused && !answered) probe.retry();
    else probe.finish({ ok: false, error: reason });
  }

  private park(): void {
    this.reused = true;
    this.received = Buffer.alloc(0);
    if (idle.has(this.target.key)) return this.close();
    this.socket.unref();
    idle.set(this.target.key, this);
  }
}

/** One probe: a request on an idle connection to the target (or a new one), a deadline and a cancel signal. */
class Probe {
  private connection: ProbeConnection | undefined;
  private settled = false;
  private retried = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.fail('probe cancelled');

  constructor(
    private readonly target: Target,
    timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
    private readonly settle: (result: Result) => void,
  ) {
    this.timer = setTimeout(() => this.fail(`timed out after ${timeoutMs} ms`), timeoutMs);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  start(): void {
    const connection = idle.get(this.target.key);
    if (connection) idle.delete(this.target.key);
    this.connection = connection ?? ProbeConnection.open(this.target);
    this.connection.send(this);
  }

  retry(): void {
    if (this.settled) return;
    if (this.retried) return this.finish({ ok: false, error: 'connection closed before a response' });
    this.retried = true;
    this.connection = ProbeConnection.open(this.target);
    this.connection.send(this);
  }

  finish(result: Result): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.settle(result);
  }

  // A probe that ends before its answer takes its connection down with it: a late answer would be out of step.
  private fail(error: string): void {
    if (this.settled) return;
    this.connection?.close();
    this.finish({ ok: false, error });
  }
}

/**
 * GETs `url`; ok on a 2xx or 3xx answer within `timeoutMs` (redirects are not followed). `signal` cancels it.
 * Why a hand-written HTTP/1.1 exchange and not undici: this probe runs for every unit every second. In the footprint
 * measurement (100 units, 1 s checks, 2-core VM) undici's dispatch cost ~210 µs of CPU per probe and made the daemon
 * load undici (60-100 ms of its start-up); this costs ~115 µs, and a health check needs only the status code and the
 * end of the response. One kept-alive connection per target, as with undici: a connection per probe would leave a
 * TIME_WAIT socket per unit per second.
 */
export function probeHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Result> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, error: 'probe cancelled' });
    let target: Target;
    try {
      target = targetOf(url);
    } catch (error) {
      return resolve({ ok: false, error: (error as Error).message });
    }
    new Probe(target, timeoutMs, signal, resolve).start();
  });
}
