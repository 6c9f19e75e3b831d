// The background commands of a sandbox: the running ones, and the last finished ones until they are evicted.
import type { CommandResult } from '../../contract/wire.js';

/** Finished commands kept at most (the oldest go first). */
export const RETAIN_FINISHED = 100;
/** The most output the finished commands kept may hold together (the oldest go first). */
export const RETAIN_BYTES = 64 * 1024 * 1024;

interface Entry {
  /** The state while running (output so far). */
  live: () => CommandResult;
  done: Promise<CommandResult>;
  result?: CommandResult;
  /** Bytes of output of the finished command. */
  bytes: number;
}

/** Background commands by id, in the order they were started. */
export class CommandHistory {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limits = { finished: RETAIN_FINISHED, bytes: RETAIN_BYTES }) {}

  /** Files a command that has started; `done` resolves with its final state. */
  add(id: string, live: () => CommandResult, done: Promise<CommandResult>): void {
    const entry: Entry = { live, done, bytes: 0 };
    this.entries.set(id, entry);
    void done.then((result) => {
      entry.result = result;
      entry.bytes = Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr);
      this.evict();
    });
  }

  /** How many are still running. */
  running(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (!entry.result) count++;
    return count;
  }

  get(id: string): CommandResult | undefined {
    const entry = this.entries.get(id);
    return entry && (entry.result ?? entry.live());
  }

  list(): CommandResult[] {
    return [...this.entries.values()].map((entry) => entry.result ?? entry.live());
  }

  /** Waits up to `timeoutMs` (or until `signal` aborts) for the command to end; its state either way. */
  async wait(id: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult | undefined> {
    const entry = this.entries.get(id);
    if (!entry || entry.result) return entry?.result;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      onAbort = resolve;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([entry.done, gaveUp.then(() => entry.result ?? entry.live())]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  // Drops the oldest finished commands past the count or the output bytes retained.
  private evict(): void {
    const finished = [...this.entries].filter(([, entry]) => entry.result);
    let bytes = finished.reduce((sum, [, entry]) => sum + entry.bytes, 0);
    let count = finished.length;
    for (const [id, entry] of finished) {
      if (count <= this.limits.finished && bytes <= this.limits.bytes) break;
      this.entries.delete(id);
      count--;
      bytes -= entry.bytes;
    }
  }
}
