// Following a unit's log: the past lines, then each new line as it is ingested, until the reader aborts.
import type { LogLine, LogStream } from '../../contract/wire.js';

/** Where a follower's new lines go; `end` finishes the follow (the unit was removed or the store closed). */
export interface LineSink {
  line(line: LogLine): void;
  end(): void;
}

/** Subscribes `sink` and reads the past lines, as one step that no new line can slip between. */
export type StartFollow = (sink: LineSink) => Promise<{ past: LogLine[]; stop: () => void }>;

/** True when `line` belongs to `stream`. */
export function inStream(stream: LogStream, line: LogLine): boolean {
  return stream === 'combined' || line.stream === stream;
}

/**
 * Yields the past lines, then the new lines of `stream`, until `signal` aborts or the sink is ended. Lines wait in a
 * queue of at most `maxQueued` for a slow reader; past that the oldest are dropped and a line saying how many were
 * skipped takes their place, so a reader that stalls cannot make the daemon's memory grow with a chatty unit.
 */
export async function* followLines(
  start: StartFollow,
  stream: LogStream,
  signal: AbortSignal,
  maxQueued: number,
): AsyncGenerator<LogLine> {
  if (signal.aborted) return;
  const queue = new LineQueue(maxQueued);
  const { past, stop } = await start({ line: (line) => inStream(stream, line) && queue.push(line), end: () => queue.end() });
  const onAbort = () => queue.end(true);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const line of past) {
      if (signal.aborted) return;
      yield line;
    }
    for (let line = await queue.next(); line; line = await queue.next()) yield line;
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop();
  }
}

/** A bounded first-in first-out queue of lines with one waiting reader. */
class LineQueue {
  private items: LogLine[] = [];
  private head = 0;
  private skipped = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly max: number) {}

  push(line: LogLine): void {
    if (this.ended) return;
    if (this.items.length - this.head >= this.max) {
      this.head++;
      this.skipped++;
    }
    this.items.push(line);
    this.wakeReader();
  }

  /** No more lines will come: the reader gets those queued, then the end; `now` drops those queued. */
  end(now = false): void {
    this.ended = true;
    if (now) {
      this.items = [];
      this.head = 0;
      this.skipped = 0;
    }
    this.wakeReader();
  }

  /** The next line, waiting for one; undefined at the end. */
  async next(): Promise<LogLine | undefined> {
    while (!this.ended && this.head === this.items.length) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.head === this.items.length) return undefined;
    if (this.skipped > 0) {
      const next = this.items[this.head]!;
      const text = `[compute] ${this.skipped} lines skipped: the reader fell behind`;
      this.skipped = 0;
      return { ts: next.ts, stream: next.stream, text };
    }
    const line = this.items[this.head++]!;
    // Drop consumed lines now and then, so the array does not keep everything ever queued.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return line;
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
