// The overlay model shared by every layer: a host folder copied into a sandbox path.

/** `copy` copies everything; `smart` symlinks immutable package folders (node_modules, .venv, vendor). */
export type OverlayStrategy = 'copy' | 'smart';

/** What an overlay is asked to be. `source` is an absolute host path; `target` an absolute sandbox path. */
export interface OverlaySpec {
  id: string;
  source: string;
  target: string;
  strategy: OverlayStrategy;
  /** Glob patterns, relative to `source`, that are not copied. */
  ignore: string[];
  /** Extra folder names that `smart` symlinks instead of copying. */
  symlinkDirs?: string[];
  /** Labels, as on units; `compute.project` marks the creating project. */
  labels?: Record<string, string>;
  /** What a change of a source path does besides syncing it (`on_change:`); the first matching rule wins. */
  onChange?: OnChangeRule[];
}

/** `sync` copies the change only; `restart` then restarts the units working in the target; `install` re-runs their install first. */
export type OnChangeAction = 'sync' | 'restart' | 'install';

/** One `on_change` rule: a glob (as in `ignore`) over paths relative to the source, and its action. */
export interface OnChangeRule {
  path: string;
  action: OnChangeAction;
}

/** Progress of an overlay's copy. */
export type CopyStatus = 'pending' | 'in_progress' | 'complete' | 'failed';

/** Counters of an overlay's copy. */
export interface OverlayStats {
  copied_files: number;
  copied_dirs: number;
  symlinked_dirs?: number;
  skipped: string[];
}

/** An overlay as the daemon reports it (ComputeSDK 2.x field names). */
export interface OverlayRecord {
  id: string;
  source: string;
  target: string;
  strategy: OverlayStrategy;
  ignore: string[];
  labels?: Record<string, string>;
  created_at: string;
  updated_at?: string;
  stats: OverlayStats;
  copy_status: CopyStatus;
  copy_error?: string | null;
  /** The last incremental sync (`up` after a change, or a save under `up --watch`). */
  last_sync?: { at: string; changed: number; deleted: number; unreadable: string[] };
}
