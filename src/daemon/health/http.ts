// HTTP health probe: GET on loopback with undici, healthy on 2xx/3xx.
import type { Agent, Dispatcher } from 'undici';

/** A probe's answer. */
type Result = { ok: boolean; error?: string };

/**
 * One agent for every probe of the daemon. Why shared: an agent per probe would open a new connection (and leave a
 * TIME_WAIT socket) each second per unit; with one agent, probes of a unit reuse one kept-alive connection, and a
 * target's pool is dropped by undici once its connections close, so pools do not grow with probes.
 * connections: 1, because a probe sent just as the previous one settled would otherwise find that connection not yet
 * released and open a second one.
 */
let agent: Promise<Agent> | undefined;

/** The module path of undici's Agent class (see UNDICI_POOL_MODULE in src/sdk/transport-undici.ts for why not the index). */
export const UNDICI_AGENT_MODULE = 'undici/lib/dispatcher/agent.js';

// undici is loaded at the first HTTP probe, not at the daemon's start, and only its Agent: a sandbox without HTTP
// checks does not pay for it, and a cold `compute up` is not held up by ~70 ms of loading undici's whole index.
function probeAgent(): Promise<Agent> {
  // The literal is UNDICI_AGENT_MODULE, written out so that the daemon bundle carries it (a bundler follows literals only).
  agent ??= import('undici/lib/dispatcher/agent.js').then(({ default: AgentClass }) => new AgentClass({ connections: 1 }));
  return agent;
}

/** Body bytes read to keep a connection reusable; past this the connection is closed instead (e.g. an endless stream). */
const BODY_LIMIT = 64 * 1024;

/**
 * One GET through undici's dispatch API, which hands over the status and body chunks without building a stream and
 * a promise chain per response: this probe runs for every unit every second, and the stream-based `request()` cost
 * about a third more CPU per probe in our footprint measurement.
 */
class ProbeHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private bodyBytes = 0;
  private settled = false;

  constructor(private readonly settle: (result: Result) => void) {}

  /** Ends the probe with `result`; an exchange still running is aborted (undici then closes its connection). */
  finish(result: Result, abortReason?: Error): void {
    if (this.settled) return;
    this.settled = true;
    if (abortReason) this.controller?.abort(abortReason);
    this.settle(result);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A probe that timed out while its connection was still being made is aborted as soon as undici starts it.
    if (this.settled) controller.abort(new Error('probe over'));
    this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > BODY_LIMIT) this.finish(this.verdict(), new Error('health check body too long'));
  }

  onResponseEnd(): void {
    this.finish(this.verdict());
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish({ ok: false, error: error.message });
  }

  private verdict(): Result {
    return this.status >= 200 && this.status < 400 ? { ok: true } : { ok: false, error: `HTTP ${this.status}` };
  }
}

/** GETs `url`; ok on a 2xx or 3xx answer within `timeoutMs` (redirects are not followed). `signal` cancels it. */
export function probeHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Result> {
  return new Promise((resolve) => {
    const onAbort = () => handler.finish({ ok: false, error: 'probe cancelled' }, new Error('probe cancelled'));
    const timer = setTimeout(
      () => handler.finish({ ok: false, error: `timed out after ${timeoutMs} ms` }, new Error('probe timed out')),
      timeoutMs,
    );
    const handler = new ProbeHandler((result) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      return handler.finish({ ok: false, error: (error as Error).message });
    }
    void probeAgent().then((shared) => {
      if (!signal?.aborted) shared.dispatch({ origin: target.origin, path: target.pathname + target.search, method: 'GET' }, handler);
    });
  });
}
