// The daemon's log store: units' processes write their output into spool files directly, and the store ingests
// the spools into a structured log per unit (stream and read time per chunk) that it reads, tails and follows.
import { closeSync, openSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogLine, LogQuery, LogReader } from '../supervisor-api.js';
import { badRequest } from '../errors.js';
import { followLines, type LineSink } from './follow.js';
import type { Stream } from './frame.js';
import { UnitIngest, type IngestSettings, type UnitPaths } from './ingest.js';
import { journalFiles } from './journal.js';
import { BufferPool } from './pool.js';
import { readLogFiles } from './read.js';
import { Serial } from './serial.js';
import { WRITER_FLAGS } from './spool.js';

const MiB = 1024 * 1024;
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SPOOL_NAME = /^(.+)\.(stdout|stderr)$/;

/** Where the store keeps its files, and how it bounds them. */
export interface LogStoreOptions {
  /** Folder of the structured logs (`UNIT.log`, `UNIT.log.1`, `UNIT.offsets.json`); spools go in `spool/` below it. */
  dir: string;
  /** Size at which a unit's structured log rotates, keeping 1 older file. Default 10 MiB. */
  maxBytes?: number;
  /** The clock that timestamps lines (ms since the epoch). */
  now?: () => number;
  /** Bytes read from a spool at a time. Default 256 KiB. */
  chunkBytes?: number;
  /** A fully ingested spool at least this large is truncated once nothing is written to it for `quietMs`. Default 1 MiB. */
  spoolBytes?: number;
  /** The disk space of this much ingested output of a spool that is never quiet is freed (a hole punched). Default 32 MiB. */
  freeBytes?: number;
  /** How long a spool must go unwritten before it is truncated. Default 20 ms. */
  quietMs?: number;
  /** New lines kept for a follower that reads slower than the unit writes. Default 10,000. */
  maxQueued?: number;
  /** Reports an error of background ingestion (the store keeps going). Default: a process warning. */
  onError?: (error: unknown, unit: string) => void;
}

interface Subscriber {
  line(line: LogLine): void;
  end?(): void;
}

/** The log store of a daemon: per-unit spools written by the processes, ingested into rotated structured logs. */
export class LogStore implements LogReader {
  private readonly dir: string;
  private readonly spoolDir: string;
  private readonly settings: IngestSettings;
  private readonly pool: BufferPool;
  private readonly maxQueued: number;
  private readonly onError: (error: unknown, unit: string) => void;
  private readonly units = new Map<string, UnitIngest>();
  private readonly serials = new Map<string, Serial>();
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private started: Promise<void> | undefined;
  private watcher: FSWatcher | undefined;
  private closed = false;

  constructor(options: LogStoreOptions) {
    this.dir = options.dir;
    this.spoolDir = join(options.dir, 'spool');
    this.settings = {
      maxBytes: options.maxBytes ?? 10 * MiB,
      spoolBytes: options.spoolBytes ?? MiB,
      freeBytes: options.freeBytes ?? 32 * MiB,
      holes: { usable: true },
      quietMs: options.quietMs ?? 20,
      persistBytes: 4 * MiB,
      persistMs: 1000,
      now: options.now ?? Date.now,
    };
    this.pool = new BufferPool(options.chunkBytes ?? 256 * 1024);
    this.maxQueued = options.maxQueued ?? 10_000;
    this.onError =
      options.onError ??
      ((error, unit) => process.emitWarning(`log store, unit ${unit}: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * Opens (O_APPEND, creating) the unit's stdout and stderr spools for its next process and starts their ingestion;
   * returns the descriptors to pass as the child's stdio[1] and stdio[2]. The caller closes them after spawn.
   * Why the ingestion is not waited for, and the opens are synchronous: a unit's start waited here for about ten file
   * operations queued in libuv's thread pool behind every other starting unit's; with 100 units starting at once that
   * was 100 to 300 ms of a cold `up` (measured, issue 7). The process may write before ingestion is attached: its
   * output waits in the spool, read from the saved offset once attached; and drain, read and remove queue behind the
   * attach in the unit's serial. A failed attach is reported through onError (and retried at the next start).
   */
  async openSpool(unit: string): Promise<{ stdout: number; stderr: number }> {
    this.assertUsable(unit);
    await this.start();
    this.attach(unit).catch((error: unknown) => this.onError(error, unit));
    const paths = this.paths(unit);
    const stdout = openSync(paths.spools.stdout, WRITER_FLAGS, 0o600);
    try {
      return { stdout, stderr: openSync(paths.spools.stderr, WRITER_FLAGS, 0o600) };
    } catch (error) {
      closeSync(stdout);
      throw error;
    }
  }

  /** Resumes ingesting a unit's spools (where the last store stopped) without opening them for a process. */
  async attach(unit: string): Promise<void> {
    this.assertUsable(unit);
    await this.start();
    await this.serial(unit).run(async () => {
      if (this.units.has(unit)) return;
      this.assertUsable(unit);
      const hooks = {
        listening: () => (this.subscribers.get(unit)?.size ?? 0) > 0,
        emit: (line: LogLine) => this.emit(unit, line),
        onError: (error: unknown) => this.onError(error, unit),
      };
      this.units.set(unit, await UnitIngest.open(this.serial(unit), this.paths(unit), this.settings, this.pool, hooks));
    });
    // Catch up on what was written while no store was ingesting (an adopted unit, a missed event).
    this.units.get(unit)?.notify();
  }

  /** Calls `listener` with every new line of the unit as it is ingested; returns the unsubscribe function. */
  onLine(unit: string, listener: (line: LogLine) => void): () => void {
    return this.subscribe(unit, { line: listener });
  }

  /** Ingests everything the unit's spools hold now, a last line without a trailing newline included. */
  async drain(unit: string): Promise<void> {
    await this.serial(unit).run(() => this.units.get(unit)?.drain());
  }

  /** The unit's retained lines (rotated file first), filtered by stream, the last `tail` of them. */
  read(unit: string, query: LogQuery): Promise<LogLine[]> {
    return this.serial(unit).run(() => readLogFiles(journalFiles(this.paths(unit).journal), query));
  }

  /** The lines `read` gives, then every new line until `signal` aborts (or the unit is removed, or the store closed). */
  follow(unit: string, query: LogQuery, signal: AbortSignal): AsyncIterable<LogLine> {
    const start = (sink: LineSink) =>
      // Subscribing and reading in one serial step: no line is ingested between them, so none is missed or repeated.
      this.serial(unit).run(async () => {
        const stop = this.subscribe(unit, sink);
        try {
          return { past: await readLogFiles(journalFiles(this.paths(unit).journal), query), stop };
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
      await ingest?.release();
      const paths = this.paths(unit);
      const files = [paths.spools.stdout, paths.spools.stderr, paths.offsets, ...journalFiles(paths.journal)];
      await Promise.all(files.map((file) => rm(file, { force: true })));
    });
    this.endSubscribers(unit);
  }

  /** Ingests the whole lines that are pending, saves the offsets, stops watching and closes every file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.started?.catch(() => {});
    this.watcher?.close();
    await Promise.all(
      [...this.serials].map(([unit, serial]) =>
        serial.run(() => this.units.get(unit)?.close()).catch((error: unknown) => this.onError(error, unit)),
      ),
    );
    this.units.clear();
    for (const unit of [...this.subscribers.keys()]) this.endSubscribers(unit);
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
      this.startWatching();
    })();
    return this.started;
  }

  // One inotify watch on the spool folder for every unit: idle units cost nothing, and no timer polls them.
  private startWatching(): void {
    if (this.closed) return;
    const watcher = watch(this.spoolDir, { persistent: false }, (_event, filename) => {
      const match = filename ? SPOOL_NAME.exec(filename) : null;
      if (match) this.units.get(match[1]!)?.notify(match[2] as Stream);
      else if (!filename) for (const ingest of this.units.values()) ingest.notify();
    });
    watcher.on('error', (error) => {
      this.onError(error, '*');
      watcher.close();
      // A new watch, then a round for every unit, so that nothing written while it was down stays unread.
      try {
        this.startWatching();
      } catch (rewatchError) {
        this.onError(rewatchError, '*');
      }
      for (const ingest of this.units.values()) ingest.notify();
    });
    this.watcher = watcher;
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
    return {
      spools: { stdout: join(this.spoolDir, `${unit}.stdout`), stderr: join(this.spoolDir, `${unit}.stderr`) },
      journal: join(this.dir, `${unit}.log`),
      offsets: join(this.dir, `${unit}.offsets.json`),
    };
  }

  private assertUsable(unit: string): void {
    if (this.closed) throw new Error('the log store is closed');
    this.paths(unit);
  }
}
