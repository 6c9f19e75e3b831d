// The order in which a unit's two spools grew, as the daemon saw it, for the combined view to follow.
// A process's stdout and stderr go to two files, so what was written when is known only from when the daemon saw
// each file grow: every watch event or poll notes the spool's size at that moment. A round of indexing then cuts
// each spool at those sizes and appends the pieces in the order they were seen, rather than all of one spool and
// then all of the other (which, while a round waited for a follower's read, put lines written milliseconds apart
// stream by stream). Lines written between two looks at the spools cannot be told apart and come back stream by stream.
import type { Stream } from './frame.js';

/** One piece of a round: index `stream` up to byte `upTo` (cut back to a whole line), stamped `ts`. */
export interface Step {
  stream: Stream;
  upTo: number;
  ts: number;
}

/** The sizes the spools were seen to grow to, in the order they were seen, until a round takes them. */
export class Arrivals {
  private seen: Step[] = [];

  /** Notes that `stream`'s spool was seen at `size` bytes at time `ts`. */
  note(stream: Stream, size: number, ts: number): void {
    const last = this.seen.at(-1);
    // Growth of the same spool with nothing else seen between is one piece, stamped when its first part was seen.
    if (last?.stream === stream) last.upTo = Math.max(last.upTo, size);
    else this.seen.push({ stream, upTo: size, ts });
  }

  /** Drops what was seen of `stream`'s spool (it moved to a new segment, whose sizes those are not). */
  forget(stream: Stream): void {
    this.seen = this.seen.filter((step) => step.stream !== stream);
  }

  /**
   * The steps of a round, given each spool's size at its start (`sizes`) and the time (`now`): the pieces seen, in
   * order, then each spool up to its size if it grew since last seen (spools seen last go last, those never seen after
   * them).
   */
  take(sizes: Record<Stream, number>, now: number): Step[] {
    const steps = this.seen;
    this.seen = [];
    const lastSeen = (stream: Stream) => steps.findLastIndex((step) => step.stream === stream);
    const tails = (Object.keys(sizes) as Stream[]).sort((a, b) => rank(lastSeen(a)) - rank(lastSeen(b)));
    for (const stream of tails) {
      const seen = steps[lastSeen(stream)];
      const last = steps.at(-1);
      if (seen && seen.upTo >= sizes[stream]) continue;
      if (last?.stream === stream) last.upTo = sizes[stream];
      else steps.push({ stream, upTo: sizes[stream], ts: now });
    }
    // A piece seen larger than the spool is at the round's start (a new segment since) is cut to the spool.
    for (const step of steps) step.upTo = Math.min(step.upTo, sizes[step.stream]);
    return steps;
  }
}

// Streams never seen sort after every stream seen.
function rank(index: number): number {
  return index < 0 ? Infinity : index;
}
