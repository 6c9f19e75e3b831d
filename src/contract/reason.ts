// Why a unit is in its status, as data: the daemon records it, the reconciler reads it, and only the CLI puts it into
// words (cli/output/reason.ts). Keys are snake_case: this is what `ps --json` and the event stream show.

/** How a process ended: its exit code, or the signal that killed it (both null when an adopted process was lost). */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** Who asked a unit to stop. */
export type StopCause = 'request' | 'daemon' | 'replace' | 'restart';

/** Why a need or an overlay kept a unit from starting. */
export type BlockedHow = 'failed' | 'stopped' | 'missing';

/** The reason of a unit's status. */
export type UnitReason =
  /** Defined, never started. */
  | { kind: 'created' }
  /** Waiting for an overlay's copy. */
  | { kind: 'waiting_for_overlay'; overlay: string }
  /** Waiting for these needs to reach their conditions. */
  | { kind: 'waiting'; on: string[] }
  /** A need failed, was stopped or does not exist: the unit will not start. */
  | { kind: 'need_failed'; need: string; how: BlockedHow }
  /** An overlay it works in failed to copy, or does not exist. */
  | { kind: 'overlay_failed'; overlay: string; how: BlockedHow; error?: string }
  /** The install step exited non-zero; its last lines of output. */
  | { kind: 'install_failed'; exit: ExitInfo; output: string[] }
  /** The program could not be started (not found, permission denied, a folder that is missing). */
  | { kind: 'spawn_failed'; error: string }
  /** Its port is taken and `strict_port` is set. */
  | { kind: 'port_in_use'; port: number }
  /** The process ended and the restart policy does not bring it back; `unhealthy` when its liveness check ended it. */
  | { kind: 'exited'; exit: ExitInfo; unhealthy?: true }
  /** The process ended and is started again after `delay_ms`, at `next_attempt_at` (ISO 8601). */
  | { kind: 'restarting'; exit: ExitInfo; delay_ms: number; next_attempt_at: string; unhealthy?: true }
  /** A restart was asked for (by a command, or by a failing liveness check). */
  | { kind: 'restart_requested'; by: 'command' | 'liveness' }
  /** A ready unit's health check fails: it runs, but is not ready. */
  | { kind: 'health_failing'; error?: string }
  /** Stopped, by whom; `killed` when it did not end within stop_timeout_ms and got SIGKILL. */
  | { kind: 'stopped'; by: StopCause; killed?: true }
  /** Its process ended while no daemon watched it. */
  | { kind: 'process_lost' }
  /** A bug: the unit's lifecycle crashed. */
  | { kind: 'internal_error'; error: string };

/** The kinds of reason. */
export type UnitReasonKind = UnitReason['kind'];

/** The need (or overlay) that keeps a unit from starting, when that is its reason. */
export function blockedBy(reason: UnitReason | undefined): string | undefined {
  if (reason?.kind === 'need_failed') return reason.need;
  return undefined;
}
