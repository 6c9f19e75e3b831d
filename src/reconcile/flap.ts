// The flapping guard of `up --watch`: a unit that writes into its own overlay's source (a build writing ./app/dist)
// must not loop sync → restart → write → sync forever.

/** Options of a FlapGuard. */
export interface FlapOptions {
  /** Restarts in a row, each soon after the one before, that make a path flapping (default 5). */
  limit?: number;
  /** "Soon": at most this long between two restarts for the same path (default 5 s). */
  gapMs?: number;
  now?: () => number;
}

/**
 * Counts, per source path, the restarts its changes caused in a row with less than `gapMs` between them. A path that
 * reaches `limit` is flapping: the caller stops following its changes and says which path it was. A pause longer than
 * `gapMs` starts the count again, so a person saving a file now and then never trips it.
 */
export class FlapGuard {
  private readonly limit: number;
  private readonly gapMs: number;
  private readonly now: () => number;
  private readonly streaks = new Map<string, { count: number; last: number }>();
  private readonly stopped = new Set<string>();

  constructor(options: FlapOptions = {}) {
    this.limit = options.limit ?? 5;
    this.gapMs = options.gapMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** Records that changes of `paths` caused a restart now; returns the paths that start flapping with it. */
  restartedFor(paths: readonly string[]): string[] {
    const at = this.now();
    const flapped: string[] = [];
    for (const path of paths) {
      if (this.stopped.has(path)) continue;
      const streak = this.streaks.get(path);
      const count = streak && at - streak.last < this.gapMs ? streak.count + 1 : 1;
      this.streaks.set(path, { count, last: at });
      if (count >= this.limit) {
        this.stopped.add(path);
        flapped.push(path);
      }
    }
    return flapped;
  }

  /** True for a path found flapping: its changes are no longer followed. */
  isStopped(path: string): boolean {
    return this.stopped.has(path);
  }

  /** Every path found flapping. */
  stoppedPaths(): string[] {
    return [...this.stopped];
  }
}
