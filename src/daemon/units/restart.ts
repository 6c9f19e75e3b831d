// Restart decisions, as pure functions: whether a unit that exited is started again, and after how long.
import type { RestartPolicy } from '../../contract/unit.js';

/** The growth of the restart delay is capped here (DESIGN: ×2 per attempt, at most 30 s). */
export const MAX_BACKOFF_MS = 30_000;
/** A unit that stayed up this long has its backoff growth reset. */
export const BACKOFF_RESET_AFTER_MS = 60_000;

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
      return facts.exitCode !== 0;
  }
}

/**
 * The delay before restart attempt `attempt` (0-based among the attempts since the last reset): `baseMs × 2^attempt`,
 * capped at 30 s, with ±10 % jitter. `random` returns a number in [0, 1) (Math.random in production).
 */
export function backoff(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const grown = Math.min(baseMs * 2 ** Math.min(attempt, 30), MAX_BACKOFF_MS);
  const jitter = 1 + (random() * 2 - 1) * 0.1;
  return Math.max(0, Math.round(grown * jitter));
}

/** The backoff attempt index after an exit: 0 again when the process had stayed up long enough, else one more. */
export function nextAttempt(previousAttempt: number, upForMs: number): number {
  return upForMs >= BACKOFF_RESET_AFTER_MS ? 0 : previousAttempt + 1;
}
