// A full disk, as the log store meets it: indexing pauses, retries now and then, and resumes with a marker line.
// Why pause rather than fail each round: while the disk is full every write event would retry the index write, fail
// and report again; and the daemon must go on supervising (its processes' output simply fails to be written meanwhile).
// A unit's process meets the full disk first, mostly: its writes fail, which leaves no trace the daemon can see. So
// besides its own failed writes, the store looks at the free space every second (one statfs) and pauses every unit
// when there is none. The marker cannot say how many bytes the processes lost; it counts only the output the store
// had and could not keep (lostBytes, normally 0: what the spools hold is indexed once there is room).
import { noSpace } from '../../util/disk-space.js';

/** The line the store adds to a unit's log where output may be missing because the disk was full. */
export function diskFullMarker(ms: number, lostBytes: number): string {
  const lost = lostBytes > 0 ? `; ${lostBytes} bytes known lost` : '';
  return `compute: output may be missing here (not kept: disk full for ${(ms / 1000).toFixed(1)} s${lost})`;
}

/** One unit's pause for a full disk: since when, what it already lost, and the timer that tries again. */
export class DiskFullPause {
  private since: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes the unit's spools held that the index could not point at before they were left behind (a new segment). */
  lostBytes = 0;

  constructor(
    private readonly retryMs: number,
    private readonly retry: () => void,
  ) {}

  /** True while paused. */
  get paused(): boolean {
    return this.since !== undefined;
  }

  /** Pauses at `now` (true if it was not paused yet) and tries again in `retryMs`. */
  pause(now: number): boolean {
    const first = this.since === undefined;
    this.since ??= now;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.retry(), this.retryMs).unref();
    return first;
  }

  /** The marker line for a pause that ends at `now`. */
  marker(now: number): string {
    return diskFullMarker(now - (this.since ?? now), this.lostBytes);
  }

  /** Ends the pause. */
  resume(): void {
    this.since = undefined;
    this.lostBytes = 0;
    clearTimeout(this.timer);
  }

  /** Stops trying again. */
  close(): void {
    clearTimeout(this.timer);
  }
}

/** Calls `onFull` every `everyMs` while the file system of `dir` has no space left. */
export class SpaceWatch {
  private readonly timer: NodeJS.Timeout;

  constructor(dir: string, everyMs: number, onFull: () => void) {
    this.timer = setInterval(() => noSpace(dir) && onFull(), everyMs).unref();
  }

  /** Stops looking. */
  close(): void {
    clearInterval(this.timer);
  }
}
