// Ingestion of one unit's spools into its structured log: bounded chunks, whole lines, one frame per chunk.
import type { LogLine } from '../supervisor-api.js';
import { frameLines, ingestible, type Stream } from './frame.js';
import { Journal } from './journal.js';
import { OffsetsFile, type Offsets } from './offsets.js';
import type { BufferPool } from './pool.js';
import type { Serial } from './serial.js';
import { Spool } from './spool.js';

const STREAMS: readonly Stream[] = ['stdout', 'stderr'];

/** Where a unit's files are. */
export interface UnitPaths {
  spools: Record<Stream, string>;
  journal: string;
  offsets: string;
}

/** Sizes and delays of ingestion (see LogStoreOptions for what each one means). */
export interface IngestSettings {
  maxBytes: number;
  spoolBytes: number;
  freeBytes: number;
  /** Whether holes can be punched in spools; shared by a store's units, turned off at the first failure. */
  holes: { usable: boolean };
  quietMs: number;
  persistBytes: number;
  persistMs: number;
  now: () => number;
}

/** What ingestion reports to the store: new lines (split only when someone listens) and errors. */
export interface IngestHooks {
  listening(): boolean;
  emit(line: LogLine): void;
  onError(error: unknown): void;
}

/**
 * One unit's ingestion. Every method that touches files runs inside the unit's `serial`, which the store shares for
 * reads, so a read never sees a rotation half done and a follower never misses or repeats a line.
 *
 * Bounding the spools: once a spool holds `spoolBytes` that are all ingested and nothing was written to it for
 * `quietMs`, it is truncated to empty (the process's O_APPEND descriptors then write at the new end). A write landing
 * between the size check and the truncation (microseconds, more if the daemon is preempted right then) would be lost;
 * waiting for a quiet spool makes that unlikely. A writer that never pauses is never truncated: measured, forcing
 * truncations in the middle of 100 MB of output lost 0.5 to 0.9 MB in 3 runs of 10. Its spool's ingested part is
 * freed instead by punching a hole every `freeBytes`, which cannot lose a write. The offsets are saved before
 * truncating: a crash in between re-reads the spool (duplicate lines) rather than skipping what was written after.
 */
export class UnitIngest {
  private readonly pending: Stream[] = [];
  private readonly quietTimers: Partial<Record<Stream, NodeJS.Timeout>> = {};
  private persistTimer: NodeJS.Timeout | undefined;
  private unsaved = 0;
  private queued = false;
  private closed = false;

  private constructor(
    private readonly serial: Serial,
    private readonly spools: Record<Stream, Spool>,
    private readonly journal: Journal,
    private readonly offsetsFile: OffsetsFile,
    private readonly settings: IngestSettings,
    private readonly pool: BufferPool,
    private readonly hooks: IngestHooks,
  ) {}

  /** Opens a unit's spools (creating them) at their saved offsets, and its structured log. Call inside `serial`. */
  static async open(serial: Serial, paths: UnitPaths, settings: IngestSettings, pool: BufferPool, hooks: IngestHooks) {
    const { file: offsetsFile, saved } = OffsetsFile.open(paths.offsets);
    const opened: Array<{ close(): unknown }> = [offsetsFile];
    try {
      const stdout = await Spool.open(paths.spools.stdout, 'stdout', saved.stdout);
      opened.push(stdout);
      const stderr = await Spool.open(paths.spools.stderr, 'stderr', saved.stderr);
      opened.push(stderr);
      const journal = await Journal.open(paths.journal, settings.maxBytes);
      return new UnitIngest(serial, { stdout, stderr }, journal, offsetsFile, settings, pool, hooks);
    } catch (error) {
      await Promise.all(opened.map((file) => file.close()));
      throw error;
    }
  }

  /** Notes that `stream`'s spool changed, and queues a round of ingestion (one at most is ever queued). */
  notify(stream?: Stream): void {
    if (stream && !this.pending.includes(stream)) this.pending.push(stream);
    if (this.queued || this.closed) return;
    this.queued = true;
    this.inBackground(async () => {
      this.queued = false;
      if (!this.closed && (await this.round())) this.notify();
    });
  }

  /**
   * Reads one chunk of each stream, the one that changed first going first, so combined reads follow arrival order
   * as far as the daemon can see it. True if a chunk was full (there may be more). Call inside `serial`.
   */
  async round(): Promise<boolean> {
    let more = false;
    for (const stream of this.takeOrder()) {
      if (!(await this.chunk(stream, false))) continue;
      more = true;
      this.pending.push(stream);
    }
    this.afterIngest();
    return more;
  }

  /** Ingests everything the spools hold, a last line without a newline included, and saves the offsets. Call inside `serial`. */
  async drain(): Promise<void> {
    if (this.closed) return;
    for (const stream of this.takeOrder()) while (await this.chunk(stream, true));
    this.save();
  }

  /** Ingests the whole lines the spools hold, saves the offsets and closes the files. Call inside `serial`. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      while (await this.round());
      this.save();
    } finally {
      await this.release();
    }
  }

  /** Closes the files without ingesting or saving (the unit's files are about to be deleted). Call inside `serial`. */
  async release(): Promise<void> {
    this.closed = true;
    clearTimeout(this.persistTimer);
    for (const stream of STREAMS) clearTimeout(this.quietTimers[stream]);
    this.offsetsFile.close();
    await Promise.all([this.spools.stdout.close(), this.spools.stderr.close(), this.journal.close()]);
  }

  private takeOrder(): Stream[] {
    const order = [...this.pending, ...STREAMS.filter((stream) => !this.pending.includes(stream))];
    this.pending.length = 0;
    return order;
  }

  private async chunk(stream: Stream, final: boolean): Promise<boolean> {
    const spool = this.spools[stream];
    const buffer = this.pool.take();
    try {
      const read = await spool.read(buffer);
      const full = read === buffer.length;
      const { take, addNewline } = ingestible(buffer.subarray(0, read), full, final);
      if (take > 0) {
        clearTimeout(this.quietTimers[stream]);
        await this.record(stream, buffer.subarray(0, take), addNewline);
        spool.offset += take;
        this.unsaved += take;
      }
      if (!full && take === read) await this.caughtUp(stream);
      return full;
    } finally {
      this.pool.give(buffer);
    }
  }

  // All lines of a chunk get the time it was read: a frame has one timestamp, which keeps framing per chunk.
  private async record(stream: Stream, lines: Buffer, addNewline: boolean): Promise<void> {
    const ts = this.settings.now();
    await this.journal.append(ts, stream, lines, addNewline);
    if (!this.hooks.listening()) return;
    const out: LogLine[] = [];
    frameLines(lines, { ts, stream, start: 0, end: lines.length }, out);
    for (const line of out) this.hooks.emit(line);
  }

  private async caughtUp(stream: Stream): Promise<void> {
    const spool = this.spools[stream];
    if (spool.unfreed() >= this.settings.freeBytes && this.settings.holes.usable) {
      await spool.freeIngested().catch((error: unknown) => {
        this.settings.holes.usable = false;
        this.hooks.onError(new Error(`cannot punch holes in spools, so the spool of a unit that never pauses grows until it does`, { cause: error }));
      });
    }
    if (spool.offset < this.settings.spoolBytes) return;
    clearTimeout(this.quietTimers[stream]);
    this.quietTimers[stream] = setTimeout(() => {
      this.inBackground(() => {
        if (!this.closed) this.truncate(stream);
      });
    }, this.settings.quietMs).unref();
  }

  private truncate(stream: Stream): void {
    const spool = this.spools[stream];
    if (!spool.atEnd()) return;
    this.save({ ...this.offsets(), [stream]: 0 });
    // Written to since the check: keep the spool, and save the real offsets again soon.
    if (!spool.truncateIfIngested()) this.unsaved = Math.max(this.unsaved, 1);
  }

  private afterIngest(): void {
    if (this.unsaved === 0) return;
    if (this.unsaved >= this.settings.persistBytes) return this.save();
    this.persistTimer ??= setTimeout(() => {
      this.inBackground(() => {
        this.persistTimer = undefined;
        if (!this.closed && this.unsaved > 0) this.save();
      });
    }, this.settings.persistMs).unref();
  }

  // Work started by a file event or a timer: nobody awaits it, so its errors go to the store's error report.
  private inBackground(task: () => Promise<void> | void): void {
    this.serial.run(task).catch((error: unknown) => this.hooks.onError(error));
  }

  private offsets(): Offsets {
    return { stdout: this.spools.stdout.offset, stderr: this.spools.stderr.offset };
  }

  private save(offsets = this.offsets()): void {
    this.offsetsFile.save(offsets);
    this.unsaved = 0;
  }
}
