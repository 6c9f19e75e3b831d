// Restart decisions, as pure functions: whether a unit that exited is started again, and after how long.
import type { RestartPolicy } from '../../contract/unit.js';

/** The first backoff step after an immediate restart (restart_delay_ms: 0): a crash loop must not spin. */
export const ZERO_DELAY_STEP_MS = 100;

/** How the restart delay grows: the first delay, the cap, and the run that resets it (the unit's declared fields). */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  resetMs: number;
}

/** What is known when a unit's process exits. */
export interface ExitFacts {
  policy: RestartPolicy;
  /** Exit code; null when it is unknown (killed by a signal, or an adopted process whose exit we only saw). */
  exitCode: number | null;
  /** Restarts done so far in this run of the unit. */
  restartCount: number;
  /** 0 = unlimited. */
  maxRestarts: number;
  /** The user (or the reconciler) asked it to stop: never restart then. */
  stopRequested: boolean;
  /** Its liveness check ended it: a failure whatever the exit code (restarted unless the policy is `never`). */
  unhealthy?: boolean;
}

/** Decides whether an exited unit is restarted. */
export function shouldRestart(facts: ExitFacts): boolean {
  if (facts.stopRequested) return false;
  if (facts.maxRestarts > 0 && facts.restartCount >= facts.maxRestarts) return false;
  switch (facts.policy) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'on-failure':
      return facts.unhealthy === true || facts.exitCode !== 0;
  }
}

/**
 * The delay before restart attempt `attempt` (0-based since the last reset): `baseMs × 2^attempt` up to `maxMs`,
 * with ±20 % jitter. A zero base restarts the first time at once, then backs off from 100 ms. `random` returns a
 * number in [0, 1) (Math.random in production).
 */
export function backoff(attempt: number, policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  if (policy.baseMs === 0 && attempt === 0) return 0;
  const base = policy.baseMs > 0 ? policy.baseMs : ZERO_DELAY_STEP_MS;
  const steps = policy.baseMs > 0 ? attempt : attempt - 1;
  // A cap below the first step would undo the backoff: a crash loop held at the cap still waits.
  const cap = Math.max(policy.maxMs, Math.min(base, ZERO_DELAY_STEP_MS));
  const grown = Math.min(base * 2 ** Math.min(steps, 30), cap);
  const jitter = 1 + (random() * 2 - 1) * 0.2;
  return Math.max(0, Math.round(grown * jitter));
}

/** The backoff attempt index after an exit: 0 again when the process had stayed up `resetMs` or longer, else one more. */
export function nextAttempt(previousAttempt: number, upForMs: number, resetMs: number): number {
  return upForMs >= resetMs ? 0 : previousAttempt + 1;
}
