// Under --watch, a reload that would remove units waits for the files to stay unchanged for a while first.
import { fingerprint } from './watch.js';

/**
 * How long the files must stay unchanged before a reload that removes units is applied. A file written in pieces
 * (7 lines, then the rest half a second later, as a slow script or a network drive writes it) read at its first
 * pause planned the removal of every unit it did not hold yet, then recreated them. Other changes are applied after
 * the watch's short settle; a removal is rarer, and undoing it costs a restart, so it waits a second of quiet.
 */
export const REMOVAL_HOLD_MS = 1000;

/**
 * Decides when a reload that removes units may be applied: once the files it read have had the same size and
 * modification time for `holdMs`. Until then it asks for a reload again (`retry`) when that time is up.
 */
export class RemovalHold {
  private pending: { print: string; since: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly retry: () => void,
    private readonly holdMs = REMOVAL_HOLD_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the files (`inputs`) have been unchanged for the hold; else a retry is due when they will have been. */
  async ready(inputs: string[]): Promise<boolean> {
    const print = await fingerprint(inputs);
    const now = this.now();
    if (this.pending?.print !== print) this.pending = { print, since: now };
    const left = this.pending.since + this.holdMs - now;
    if (left <= 0) {
      this.clear();
      return true;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(this.retry, left);
    return false;
  }

  /** Forgets a held reload (a later one removes nothing, or the watch ends). */
  clear(): void {
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
