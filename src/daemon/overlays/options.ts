// The options of an OverlayManager (see index.ts).
import type { DaemonProblem } from '../../contract/wire.js';

/** Options of an OverlayManager. */
export interface OverlayManagerOptions {
  /** The sandbox root (host path); targets live under it. */
  root: string;
  /** JSON file the overlays are persisted in (atomically); without it they live in memory only. */
  stateFile?: string;
  /** Bound on concurrent file operations across all copies (default 8). */
  concurrency?: number;
  /** Least time between two progress notifications of one overlay (default 100 ms); status changes always notify. */
  progressIntervalMs?: number;
  /** Clock, in ms since the epoch (injectable for tests of throttling and timestamps). */
  now?: () => number;
  /** Receives errors no caller can see: a throwing listener, a failed removal. */
  onError?: (error: unknown) => void;
  /** Told when saves of the state file start failing (a full disk; they are retried) and when they succeed again. */
  onStateProblem?: (problem: DaemonProblem | undefined) => void;
}
