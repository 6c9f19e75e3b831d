// What tells ingestion that a spool was written: an inotify watch while the spool is quiet, a timer while it is busy.
// Why not watch all the time: with a watch on a file (or its folder), every write() to it queues an inotify event and
// wakes the daemon; measured, that alone made a unit writing 100 MB in 64 KiB writes take 200 ms instead of 175 ms
// (issue 7). A busy spool is polled instead, which the writer does not pay for.
import { watch, type FSWatcher } from 'node:fs';

/** When a spool counts as busy, and how often it is polled. */
export interface WakeSettings {
  /** A watch event that finds the spool this much larger than the last wake makes it busy. Default 16 KiB. */
  busyBytes: number;
  /** How often a busy spool is polled; it goes back to being watched at the first poll that finds it unchanged. */
  pollMs: number;
  /** How often a spool that cannot be watched (no inotify watch left) is polled while quiet. */
  unwatchedPollMs: number;
}

/** The default wake settings. */
export const WAKE_DEFAULTS: WakeSettings = { busyBytes: 16 * 1024, pollMs: 10, unwatchedPollMs: 1000 };

/** Calls `wake` with the new size soon after the file at `path` changes size, watching it while quiet and polling it while busy. */
export class SpoolWaker {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seen: number;
  private closed = false;

  /**
   * `size` gives the file's current size (an fstat of an open descriptor); `onWatchError` hears why the file could
   * not be watched (it is polled every `unwatchedPollMs` then, and watched again once a poll finds it unchanged).
   */
  constructor(
    private readonly path: string,
    private readonly size: () => number,
    private readonly wake: (size: number) => void,
    private readonly settings: WakeSettings,
    private readonly onWatchError: (error: unknown) => void,
  ) {
    this.seen = this.currentSize();
    this.watchQuietly();
  }

  /** True while the file is watched, false while it is polled. */
  get watching(): boolean {
    return this.watcher !== undefined;
  }

  /** Stops watching and polling; `wake` is not called afterwards. */
  close(): void {
    this.closed = true;
    this.unwatch();
    clearTimeout(this.timer);
  }

  // Arms the watch, then looks at the size once more: a write between the last poll and the watch has no event.
  private watchQuietly(): void {
    if (this.closed) return;
    try {
      const watcher = watch(this.path, { persistent: false }, () => this.changed());
      watcher.on('error', (error) => {
        this.onWatchError(error);
        this.unwatch();
        this.pollIn(this.settings.unwatchedPollMs);
      });
      this.watcher = watcher;
    } catch (error) {
      this.onWatchError(error);
      return this.pollIn(this.settings.unwatchedPollMs);
    }
    if (this.currentSize() !== this.seen) this.changed();
  }

  // A watch event (or a write seen while arming it): wake ingestion, and switch to polling if the spool is busy.
  private changed(): void {
    if (this.closed) return;
    const size = this.currentSize();
    const grown = size - this.seen;
    this.seen = size;
    this.wake(size);
    if (grown < this.settings.busyBytes) return;
    this.unwatch();
    this.pollIn(this.settings.pollMs);
  }

  private poll(): void {
    this.timer = undefined;
    if (this.closed) return;
    const size = this.currentSize();
    if (size === this.seen) return this.watchQuietly();
    this.seen = size;
    this.wake(size);
    this.pollIn(this.settings.pollMs);
  }

  // An fstat that fails (it should not: the descriptor stays open until close) wakes ingestion, which reports it.
  private currentSize(): number {
    try {
      return this.size();
    } catch {
      return -1;
    }
  }

  private pollIn(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), ms).unref();
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
