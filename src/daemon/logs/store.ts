// The daemon's log store: units' processes write their output into spool files directly, and the store indexes the
// spools (stream, read time and byte range of each run of whole lines) to read, tail and follow them.
import { closeSync, openSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogReader } from '../supervisor-api.js';
import type { LogLine, LogQuery } from '../../contract/wire.js';
import { badRequest } from '../errors.js';
import { followLines, type LineSink } from './follow.js';
import type { Stream } from './frame.js';
import { SpaceWatch } from './full.js';
import { UnitIngest, type IngestSettings, type UnitPaths } from './ingest.js';
import { journalFiles } from './journal.js';
import { readLogFiles } from './read.js';
import { Serial } from './serial.js';
import { parseSegmentName, segmentPath, segmentsIn, WRITER_FLAGS } from './spool.js';
import { WAKE_DEFAULTS, type WakeSettings } from './wake.js';

const MiB = 1024 * 1024;
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const STREAMS: readonly Stream[] = ['stdout', 'stderr'];

/** Where the store keeps its files, and how it bounds them. */
export interface LogStoreOptions {
  /** Folder of the indexes (`UNIT.index`, `UNIT.index.1`); spool segments go in `spool/` below it. */
  dir: string;
  /** Output a unit's index points at before it rotates, keeping 1 older file (so 1 to 2 times this is kept). Default 10 MiB. */
  maxBytes?: number;
  /** A process starts a new spool segment when the current one is at least this large. Default: maxBytes. */
  segmentBytes?: number;
  /** The clock that timestamps lines (ms since the epoch). */
  now?: () => number;
  /** Most output one frame points at; a line longer than this is cut. Default 256 KiB. */
  chunkBytes?: number;
  /**
   * The disk space of the start of a live segment that no kept frame needs is freed (a hole punched) in steps this
   * large. Each step runs `fallocate` (~10 ms of a core, which slowed a unit writing 100 MB from 1.17 to 1.26 times
   * the floor at 32 MiB steps, issue 7). Default 64 MiB.
   */
  freeBytes?: number;
  /** When a spool's writes are watched (inotify) and when it is polled instead; see wake.ts. */
  wake?: Partial<WakeSettings>;
  /** New lines kept for a follower that reads slower than the unit writes. Default 10,000. */
  maxQueued?: number;
  /** How often a unit whose indexing a full disk paused looks for room again. Default 1,000 ms. */
  fullRetryMs?: number;
  /** Reports an error of background indexing (the store keeps going). Default: a process warning. */
  onError?: (error: unknown, unit: string) => void;
}

interface Subscriber {
  line(line: LogLine): void;
  end?(): void;
}

/** The log store of a daemon: per-unit spools written by the processes, and rotated indexes of their lines. */
export class LogStore implements LogReader {
  private readonly dir: string;
  private readonly spoolDir: string;
  private readonly settings: IngestSettings;
  private readonly segmentBytes: number;
  private readonly maxQueued: number;
  private readonly onError: (error: unknown, unit: string) => void;
  private readonly units = new Map<string, UnitIngest>();
  private readonly serials = new Map<string, Serial>();
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly full = new Set<string>();
  /** Each unit's newest spool segment per stream, read from the spool folder once (only this store makes new ones). */
  private segments: Map<string, Record<Stream, number>> | undefined;
  private started: Promise<void> | undefined;
  private space: SpaceWatch | undefined;
  private closed = false;

  constructor(options: LogStoreOptions) {
    this.dir = options.dir;
    this.spoolDir = join(options.dir, 'spool');
    this.settings = {
      maxBytes: options.maxBytes ?? 10 * MiB,
      maxLine: options.chunkBytes ?? 256 * 1024,
      freeBytes: options.freeBytes ?? 64 * MiB,
      holes: { usable: true },
      wake: { ...WAKE_DEFAULTS, ...options.wake },
      unwatched: { reported: false },
      fullRetryMs: options.fullRetryMs ?? 1000,
      now: options.now ?? Date.now,
    };
    this.segmentBytes = options.segmentBytes ?? this.settings.maxBytes;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.onError =
      options.onError ??
      ((error, unit) => process.emitWarning(`log store, unit ${unit}: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * Opens (O_APPEND, creating) the unit's stdout and stderr spools for its next process and starts indexing them;
   * returns the descriptors to pass as the child's stdio[1] and stdio[2]. The caller closes them after spawn. A
   * process appends to the unit's newest segment, or starts a new one when that is `segmentBytes` or larger.
   * Why indexing is not waited for, and the opens are synchronous: a unit's start waited here for about ten file
   * operations queued in libuv's thread pool behind every other starting unit's; with 100 units starting at once that
   * was 100 to 300 ms of a cold `up` (measured, issue 7). The process may write before indexing is attached: its
   * output waits in the spool, indexed from where the index ends once attached; and drain, read and remove queue
   * behind the attach in the unit's serial. A failed attach is reported through onError (and retried at the next start).
   */
  async openSpool(unit: string): Promise<{ stdout: number; stderr: number }> {
    this.assertUsable(unit);
    await this.start();
    const segments = this.nextSegments(unit);
    this.track(unit, segments).catch((error: unknown) => this.onError(error, unit));
    const { spoolDir } = this.paths(unit);
    const stdout = openSync(segmentPath(spoolDir, unit, 'stdout', segments.stdout), WRITER_FLAGS, 0o600);
    try {
      return { stdout, stderr: openSync(segmentPath(spoolDir, unit, 'stderr', segments.stderr), WRITER_FLAGS, 0o600) };
    } catch (error) {
      closeSync(stdout);
      throw error;
    }
  }

  /** Resumes indexing a unit's spools (where its index ends) without opening them for a process. */
  async attach(unit: string): Promise<void> {
    this.assertUsable(unit);
    await this.start();
    await this.track(unit);
  }

  /** Calls `listener` with every new line of the unit as it is ingested; returns the unsubscribe function. */
  onLine(unit: string, listener: (line: LogLine) => void): () => void {
    return this.subscribe(unit, { line: listener });
  }

  /** The units whose indexing is paused because the disk is full (their output meanwhile is not kept). */
  diskFull(): string[] {
    return [...this.full].sort();
  }

  /** Ingests everything the unit's spools hold now, a last line without a trailing newline included. */
  async drain(unit: string): Promise<void> {
    await this.serial(unit).run(() => this.units.get(unit)?.drain());
  }

  /** The unit's retained lines (rotated file first), filtered by stream, the last `tail` of them. */
  read(unit: string, query: LogQuery): Promise<LogLine[]> {
    return this.serial(unit).run(() => this.readFiles(unit, query));
  }

  /** The lines `read` gives, then every new line until `signal` aborts (or the unit is removed, or the store closed). */
  follow(unit: string, query: LogQuery, signal: AbortSignal): AsyncIterable<LogLine> {
    const start = (sink: LineSink) =>
      // Subscribing and reading in one serial step: no line is ingested between them, so none is missed or repeated.
      this.serial(unit).run(async () => {
        const stop = this.subscribe(unit, sink);
        try {
          return { past: await this.readFiles(unit, query), stop };
        } catch (error) {
          stop();
          throw error;
        }
      });
    return followLines(start, query.stream, signal, this.maxQueued);
  }

  /** Stops ingesting the unit, deletes its files and ends its followers. */
  async remove(unit: string): Promise<void> {
    await this.serial(unit).run(async () => {
      const ingest = this.units.get(unit);
      this.units.delete(unit);
      this.full.delete(unit);
      await ingest?.release();
      this.segments?.delete(unit);
      const paths = this.paths(unit);
      const names = await readdir(paths.spoolDir).catch(() => []);
      const spools = STREAMS.flatMap((stream) => segmentsIn(names, unit, stream).map((n) => segmentPath(paths.spoolDir, unit, stream, n)));
      // And the files of the store before the index (copied logs, offsets, one spool per stream), if any are left.
      const legacy = [`${unit}.log`, `${unit}.log.1`, `${unit}.offsets.json`].map((name) => join(this.dir, name));
      legacy.push(...STREAMS.map((stream) => join(paths.spoolDir, `${unit}.${stream}`)));
      await Promise.all([...spools, ...journalFiles(paths.journal), ...legacy].map((file) => rm(file, { force: true })));
    });
    this.endSubscribers(unit);
  }

  /** Ingests the whole lines that are pending, saves the offsets, stops watching and closes every file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.space?.close();
    await this.started?.catch(() => {});
    await Promise.all(
      [...this.serials].map(([unit, serial]) =>
        serial.run(() => this.units.get(unit)?.close()).catch((error: unknown) => this.onError(error, unit)),
      ),
    );
    this.units.clear();
    for (const unit of [...this.subscribers.keys()]) this.endSubscribers(unit);
  }

  // Starts indexing the unit if this store does not yet, on `segments` if given (a new process's spools).
  private async track(unit: string, segments?: Record<Stream, number>): Promise<void> {
    await this.serial(unit).run(async () => {
      this.assertUsable(unit);
      const ingest = this.units.get(unit);
      if (ingest) {
        for (const stream of STREAMS) if (segments) await ingest.useSegment(stream, segments[stream]);
        return;
      }
      const hooks = {
        listening: () => (this.subscribers.get(unit)?.size ?? 0) > 0,
        emit: (line: LogLine) => this.emit(unit, line),
        onError: (error: unknown) => this.onError(error, unit),
        onDiskFull: (full: boolean) => (full ? this.full.add(unit) : this.full.delete(unit)),
      };
      this.units.set(unit, await UnitIngest.open(this.serial(unit), this.paths(unit), this.settings, hooks, segments));
    });
    // Catch up on what was written while no store was indexing (an adopted unit, a missed event).
    this.units.get(unit)?.notify();
  }

  // The segments a new process of the unit writes into: the newest ones, or new ones if the newest is large.
  private nextSegments(unit: string): Record<Stream, number> {
    const { spoolDir } = this.paths(unit);
    this.segments ??= this.newestSegments(spoolDir);
    const newest = this.segments.get(unit);
    const next = { stdout: 0, stderr: 0 };
    for (const stream of STREAMS) {
      const segment = newest?.[stream];
      if (segment === undefined) continue;
      const size = statSync(segmentPath(spoolDir, unit, stream, segment), { throwIfNoEntry: false })?.size ?? 0;
      next[stream] = size >= this.segmentBytes ? segment + 1 : segment;
    }
    this.segments.set(unit, next);
    return next;
  }

  private newestSegments(spoolDir: string): Map<string, Record<Stream, number>> {
    const newest = new Map<string, Record<Stream, number>>();
    for (const name of readdirSync(spoolDir)) {
      const found = parseSegmentName(name);
      if (!found) continue;
      const segments = newest.get(found.unit) ?? { stdout: 0, stderr: 0 };
      segments[found.stream] = Math.max(segments[found.stream], found.segment);
      newest.set(found.unit, segments);
    }
    return newest;
  }

  private readFiles(unit: string, query: LogQuery): Promise<LogLine[]> {
    const { spoolDir, journal } = this.paths(unit);
    return readLogFiles(journalFiles(journal), (stream, segment) => segmentPath(spoolDir, unit, stream, segment), query);
  }

  private start(): Promise<void> {
    this.started ??= mkdir(this.spoolDir, { recursive: true, mode: 0o700 }).then(() => {
      // A process's writes that fail for a full disk leave no trace, so the free space itself is looked at (full.ts).
      const pauseAll = () => this.units.forEach((ingest) => ingest.noticeFullDisk());
      if (!this.closed) this.space = new SpaceWatch(this.spoolDir, this.settings.fullRetryMs, pauseAll);
    });
    return this.started;
  }

  private subscribe(unit: string, subscriber: Subscriber): () => void {
    let set = this.subscribers.get(unit);
    if (!set) this.subscribers.set(unit, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(unit) === set) this.subscribers.delete(unit);
    };
  }

  private emit(unit: string, line: LogLine): void {
    for (const subscriber of this.subscribers.get(unit) ?? []) {
      try {
        subscriber.line(line);
      } catch (error) {
        this.onError(error, unit);
      }
    }
  }

  private endSubscribers(unit: string): void {
    const set = this.subscribers.get(unit);
    this.subscribers.delete(unit);
    for (const subscriber of set ?? []) subscriber.end?.();
  }

  private serial(unit: string): Serial {
    let serial = this.serials.get(unit);
    if (!serial) this.serials.set(unit, (serial = new Serial()));
    return serial;
  }

  private paths(unit: string): UnitPaths {
    if (!SLUG.test(unit)) throw badRequest(`unit name "${unit}" is not a URL-safe slug`);
    return { spoolDir: this.spoolDir, unit, journal: join(this.dir, `${unit}.index`) };
  }

  private assertUsable(unit: string): void {
    if (this.closed) throw new Error('the log store is closed');
    this.paths(unit);
  }
}
