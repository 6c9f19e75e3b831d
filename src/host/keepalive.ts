// Keeping a provider's sandbox from timing out: each `up` extends it by `timeout_ms`, and `up --watch` keeps extending
// it while it runs. ComputeSDK 4.x has no call for it, so it is the provider's own, on its native sandbox
// (getInstance()): E2B's `setTimeout(ms)` (a new timeout from now), Daytona's `refreshActivity()` (its auto-stop
// timer starts again). Other providers have none that compute knows; their sandboxes live as the provider decides.
import type { Sandbox } from './sandbox.js';

/** What `timeout_ms` is taken to be when the file gives none: E2B's own default, 5 minutes. */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** A sandbox's keep-alive: one call that extends its life, and how often `up --watch` should make it. */
export interface KeepAlive {
  /** Which provider call it makes, for messages: `setTimeout` or `refreshActivity`. */
  call: string;
  extend(): Promise<void>;
  everyMs: number;
}

interface NativeWithTimeout {
  setTimeout(timeoutMs: number): Promise<void>;
}

interface NativeWithActivity {
  refreshActivity(): Promise<void>;
}

/** The sandbox's keep-alive, found on its native instance; undefined when its provider has none compute knows. */
export function keepAliveOf(sandbox: Sandbox, timeoutMs: number | undefined): KeepAlive | undefined {
  let native: unknown;
  try {
    native = sandbox.getInstance?.();
  } catch {
    return undefined;
  }
  if (typeof native !== 'object' || native === null) return undefined;
  const lifetime = timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Half the lifetime, so that one missed call (a network blip) does not let it expire; at least once a second.
  const everyMs = Math.max(1_000, Math.floor(lifetime / 2));
  if (typeof (native as Partial<NativeWithTimeout>).setTimeout === 'function') {
    return { call: 'setTimeout', everyMs, extend: () => (native as NativeWithTimeout).setTimeout(lifetime) };
  }
  if (typeof (native as Partial<NativeWithActivity>).refreshActivity === 'function') {
    return { call: 'refreshActivity', everyMs, extend: () => (native as NativeWithActivity).refreshActivity() };
  }
  return undefined;
}

/**
 * Extends the sandbox's life every `everyMs` until `signal` aborts; a failed call is reported once through `warn`
 * (the next one may succeed). The timer does not keep the process alive.
 */
export function keepAliveWhile(keepAlive: KeepAlive, signal: AbortSignal, warn: (line: string) => void): void {
  let warned = false;
  const timer = setInterval(() => {
    keepAlive.extend().catch((error: unknown) => {
      if (warned) return;
      warned = true;
      warn(`compute: warning: could not keep the sandbox alive (${keepAlive.call}): ${error instanceof Error ? error.message : String(error)}`);
    });
  }, keepAlive.everyMs);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
