// The one way the daemon keeps a state file on disk (the units' state.json, the overlays' overlays.json): saves are
// coalesced, each write is atomic and private (writeAtomic), and a failed write is retried with backoff instead of
// being thrown into the void. Before this, a full disk made StateFile.drain reject with nobody listening, and the
// unhandled rejection ended the daemon about a second later, leaving its units running unsupervised.
import { writeAtomic } from '../contract/persist.js';
import type { DaemonProblem } from '../contract/wire.js';

/** How a persisted file reports trouble and how it retries. */
export interface PersistOptions {
  /**
   * Called once when writes start failing (with the problem, which later failures update in place), again if its
   * code changes, and once when a write succeeds again (undefined).
   */
  onProblem?: (problem: DaemonProblem | undefined) => void;
  /** First retry delay, doubled after each failure up to maxRetryMs (defaults 100 ms and 5 s). */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** The write itself (default writeAtomic, mode 0600). */
  write?: (path: string, content: string) => Promise<void>;
}

/** The backoff before retry number `failures` (1 = after the first failure): doubling from `first`, at most `max`. */
export function retryDelay(failures: number, first: number, max: number): number {
  return Math.min(max, first * 2 ** Math.min(failures - 1, 30));
}

/**
 * A file that always catches up with the latest state. Many saves in one turn of the event loop cost one write; a
 * save during a write is followed by one more write; a failed write keeps the latest content pending and is retried
 * (100 ms doubling to 5 s), so once the disk has room again the file holds the newest state, not an old one.
 */
export class PersistedFile {
  private render: (() => string) | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private current: DaemonProblem | undefined;
  private closed = false;
  private requested = 0;
  private waiters: Array<{ generation: number; resolve: () => void }> = [];

  constructor(
    readonly path: string,
    private readonly options: PersistOptions = {},
  ) {}

  /** Why the latest write failed, while writes fail; undefined when the file is up to date or being written. */
  get problem(): DaemonProblem | undefined {
    return this.current && { ...this.current };
  }

  /** Schedules a write of what `render` returns at write time (later saves replace an earlier pending one). */
  save(render: () => string): void {
    this.render = render;
    this.requested += 1;
    if (!this.writing && !this.timer) this.writing = this.drain();
  }

  /**
   * Resolves once what was saved before the call is on disk, or once writing it has failed (see `problem`): while
   * the disk is full, callers go on without waiting for space, and the retries catch the file up later.
   */
  settled(): Promise<void> {
    if (!this.writing && (this.render === undefined || this.current)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ generation: this.requested, resolve }));
  }

  /** Makes a last attempt now if a write is pending (a retry waiting for its delay goes at once), then stops retrying. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.writing ??= this.drain();
    }
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      // Let the rest of this turn's changes pile up into the same write.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.render) {
        const render = this.render;
        const generation = this.requested;
        this.render = undefined;
        try {
          await (this.options.write ?? writeAtomic)(this.path, render());
        } catch (error) {
          // A save made during the failed write is newer; keep it, else retry this one.
          this.render ??= render;
          this.failed(error);
          return;
        }
        this.succeeded(generation);
      }
    } finally {
      this.writing = undefined;
    }
  }

  private failed(error: unknown): void {
    this.failures += 1;
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    const message = error instanceof Error ? error.message : String(error);
    const previousCode = this.current?.code;
    // Updated in place: whoever was handed the problem sees its attempts grow without being called again.
    this.current ??= { kind: 'state-write', path: this.path, code, message, since: new Date().toISOString(), attempts: 0 };
    Object.assign(this.current, { code, message, attempts: this.failures });
    // Reported once per kind of failure, not once per retry: a disk full for an hour is one log line, not thousands.
    if (previousCode !== code) this.options.onProblem?.(this.current);
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    if (this.closed) return;
    const delay = retryDelay(this.failures, this.options.firstRetryMs ?? 100, this.options.maxRetryMs ?? 5000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing ??= this.drain();
    }, delay);
    // A retry alone must not keep a process alive; the daemon's listeners do.
    this.timer.unref();
  }

  private succeeded(generation: number): void {
    this.failures = 0;
    if (this.current) {
      this.current = undefined;
      this.options.onProblem?.(undefined);
    }
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.generation > generation) return true;
      waiter.resolve();
      return false;
    });
  }
}
