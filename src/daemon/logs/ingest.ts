// Indexing one unit's spools: frames that point at whole lines of the output, appended to the unit's index.
import { rm } from 'node:fs/promises';
import type { LogLine } from '../../contract/wire.js';
import { Arrivals } from './arrivals.js';
import { frameLines, indexable, type Frame, type Stream } from './frame.js';
import { hasRoom, isDiskFull } from '../../util/disk-space.js';
import { DiskFullPause } from './full.js';
import { Journal } from './journal.js';
import type { Serial } from './serial.js';
import { listSegments, segmentPath, segmentsOnDisk, Spool } from './spool.js';
import { SpoolWaker, type WakeSettings } from './wake.js';

const STREAMS: readonly Stream[] = ['stdout', 'stderr'];
const TAIL_BYTES = 4096;

/** Where a unit's files are. */
export interface UnitPaths {
  spoolDir: string;
  unit: string;
  /** The index (rotated to `journal.1`). */
  journal: string;
}

/** Sizes and delays of indexing (see LogStoreOptions for what each one means). */
export interface IngestSettings {
  maxBytes: number;
  maxLine: number;
  freeBytes: number;
  /** Whether holes can be punched in spools; shared by a store's units, turned off at the first failure. */
  holes: { usable: boolean };
  /** When spools are watched and when polled; `unwatched.reported` is shared by a store's units, so it warns once. */
  wake: WakeSettings;
  unwatched: { reported: boolean };
  /** How often indexing paused by a full disk looks for space again. */
  fullRetryMs: number;
  now: () => number;
}

/** What ingestion reports to the store: new lines (read only when someone listens) and errors. */
export interface IngestHooks {
  listening(): boolean;
  emit(line: LogLine): void;
  onError(error: unknown): void;
  /** Indexing paused because the disk is full (true), or resumed (false). */
  onDiskFull(full: boolean): void;
}

/**
 * One unit's indexing. Every method that touches files runs inside the unit's `serial`, which the store shares for
 * reads, so a read never sees a rotation half done and a follower never misses or repeats a line.
 *
 * The output is never copied: a round looks at each spool's size, reads at most the last few KiB to find where its
 * last whole line ends, and appends one frame. The index is also where indexing resumes after a crash (a torn frame
 * is cut off), so nothing is lost or repeated. Disk space: when the index rotates, segments no kept frame points into
 * are deleted and the unneeded start of the live segment is punched out every `freeBytes`. A full disk pauses
 * indexing (full.ts) until there is room again; then a marker line in the unit's stderr says output may be missing.
 */
export class UnitIngest {
  private readonly arrivals = new Arrivals();
  private readonly wakers: Partial<Record<Stream, SpoolWaker>> = {};
  private readonly punched: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private readonly punching = new Set<Stream>();
  private readonly full: DiskFullPause;
  /** The spools' sizes when a full disk paused indexing: until it resumes, only what lies before is indexed. */
  private gapAt: Record<Stream, number> | undefined;
  private queued = false;
  private closed = false;

  private constructor(
    private readonly serial: Serial,
    private readonly spools: Record<Stream, Spool>,
    private readonly journal: Journal,
    private readonly paths: UnitPaths,
    private readonly settings: IngestSettings,
    private readonly hooks: IngestHooks,
  ) {
    this.full = new DiskFullPause(settings.fullRetryMs, () => this.queueRound());
  }

  /**
   * Opens a unit's index and its spools' `segments` (the newest on disk when not given, 0 when there is none),
   * resuming where the index ends. Call inside `serial`.
   */
  static async open(serial: Serial, paths: UnitPaths, settings: IngestSettings, hooks: IngestHooks, segments?: Record<Stream, number>) {
    const { journal, last } = await Journal.open(paths.journal, settings.maxBytes);
    const opened: Array<{ close(): Promise<void> }> = [journal];
    try {
      const spools: Partial<Record<Stream, Spool>> = {};
      for (const stream of STREAMS) {
        const segment = segments?.[stream] ?? segmentsOnDisk(paths.spoolDir, paths.unit, stream).at(-1) ?? 0;
        const resume = last[stream];
        const offset = resume?.segment === segment ? resume.start + resume.length : 0;
        opened.push((spools[stream] = await Spool.open(segmentPath(paths.spoolDir, paths.unit, stream, segment), segment, offset)));
      }
      const ingest = new UnitIngest(serial, spools as Record<Stream, Spool>, journal, paths, settings, hooks);
      for (const stream of STREAMS) ingest.wakeOnWrites(stream);
      return ingest;
    } catch (error) {
      await Promise.all(opened.map((file) => file.close()));
      throw error;
    }
  }

  /** Notes that `stream`'s spool changed (to `size` bytes), and queues a round of indexing (one at most is ever queued). */
  notify(stream?: Stream, size?: number): void {
    if (stream && size !== undefined) this.arrivals.note(stream, size, this.settings.now());
    // While the disk is full, only the pause's timer tries again: each write event would fail and report again.
    if (!this.full.paused) this.queueRound();
  }

  private queueRound(): void {
    if (this.queued || this.closed) return;
    this.queued = true;
    this.inBackground(async () => {
      this.queued = false;
      if (!this.closed) await this.round(false);
    });
  }

  /**
   * Indexes every spool's whole lines, as far as each was when the round started, in pieces in the order the spools
   * were seen to grow (arrivals.ts): the combined view follows the order of writes as far as the daemon saw it.
   */
  async round(final: boolean): Promise<void> {
    try {
      await this.indexSteps(final);
      // Still no room (the round had nothing to write, or wrote into space already allocated): look again later.
      if (this.full.paused && !hasRoom(this.paths.spoolDir)) this.full.pause(this.settings.now());
      else if (this.full.paused) await this.resume(final);
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      this.pause(error);
    }
  }

  private async indexSteps(final: boolean): Promise<void> {
    const sizes = { stdout: this.spools.stdout.size(), stderr: this.spools.stderr.size() };
    // While paused, what was written after the gap waits, so that the marker goes between (resume).
    if (this.gapAt) for (const stream of STREAMS) sizes[stream] = Math.min(sizes[stream], this.gapAt[stream]);
    const steps = this.arrivals.take(sizes, this.settings.now());
    for (const [index, step] of steps.entries()) {
      // Only a spool's last piece of the round may end without a newline (a process's last words at a drain).
      const last = !steps.slice(index + 1).some((later) => later.stream === step.stream);
      await this.index(step.stream, final && last, step.upTo, step.ts);
    }
  }

  /** Indexes everything the spools hold, a last line without a newline included. Call inside `serial`. */
  async drain(): Promise<void> {
    if (!this.closed) await this.round(true);
  }

  /** Moves `stream` to spool segment `segment` (a new process's), indexing all of the old one first. Call inside `serial`. */
  async useSegment(stream: Stream, segment: number): Promise<void> {
    if (this.closed || this.spools[stream].segment === segment) return;
    await this.index(stream, true).catch((error: unknown) => {
      if (!isDiskFull(error)) throw error;
      // The old segment's rest is left behind unindexed: the marker counts it.
      this.full.lostBytes += this.spools[stream].size() - this.spools[stream].offset;
      this.pause(error);
    });
    this.wakers[stream]?.close();
    this.arrivals.forget(stream);
    await this.spools[stream].close();
    this.spools[stream] = await Spool.open(segmentPath(this.paths.spoolDir, this.paths.unit, stream, segment), segment, 0);
    this.punched[stream] = 0;
    if (this.gapAt) this.gapAt[stream] = 0;
    this.wakeOnWrites(stream);
  }

  /** Indexes the whole lines the spools hold and closes the files. Call inside `serial`. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.round(false);
    } finally {
      await this.release();
    }
  }

  /** Closes the files without indexing (the unit's files are about to be deleted). Call inside `serial`. */
  async release(): Promise<void> {
    this.closed = true;
    this.full.close();
    for (const stream of STREAMS) this.wakers[stream]?.close();
    await Promise.all([this.spools.stdout.close(), this.spools.stderr.close(), this.journal.close()]);
  }

  // Frames of at most maxLine bytes each, so that a read or a rotation never deals with more than that at once; up to
  // byte `upTo` of the spool (all of it when not given), stamped `ts` (now when not given).
  private async index(stream: Stream, final: boolean, upTo?: number, ts?: number): Promise<void> {
    const spool = this.spools[stream];
    const end = () => upTo ?? spool.size();
    for (let pending = end() - spool.offset; pending > 0 && !this.closed; pending = end() - spool.offset) {
      const length = this.indexableLength(spool, Math.min(pending, this.settings.maxLine), final);
      if (length === 0) return;
      const frame: Frame = { ts: ts ?? this.settings.now(), stream, segment: spool.segment, start: spool.offset, length };
      const rotated = await this.journal.append(frame);
      spool.offset += length;
      if (this.hooks.listening()) this.emit(frame, await spool.read(frame.start, frame.start + length));
      if (rotated) await this.freeSpace();
    }
  }

  // Reads backwards from the end of the new bytes, a few KiB at a time, for the last newline.
  private indexableLength(spool: Spool, pending: number, final: boolean): number {
    const end = spool.offset + pending;
    for (let tailBytes = Math.min(pending, TAIL_BYTES); ; tailBytes = Math.min(pending, this.settings.maxLine, tailBytes * 4)) {
      const tail = final ? Buffer.alloc(0) : spool.readSmall(end - tailBytes, end);
      if (!final && tail.length < tailBytes) return 0;
      const length = indexable(tail, pending, final, this.settings.maxLine);
      if (length !== undefined) return length;
    }
  }

  /** Pauses indexing as a full disk does (the store saw no free space), unless it is paused already. */
  noticeFullDisk(): void {
    if (!this.closed && !this.full.paused) this.pause(new Error('no space left on the disk of the spools'));
  }

  private pause(error: unknown): void {
    if (!this.full.pause(this.settings.now())) return;
    this.gapAt = { stdout: this.spools.stdout.size(), stderr: this.spools.stderr.size() };
    this.hooks.onDiskFull(true);
    this.hooks.onError(new Error('disk full: indexing paused until there is room again', { cause: error }));
  }

  // Room again, and what came before the gap indexed: the marker goes to the end of stderr's spool (a full disk may
  // fail it: then the pause goes on), and is indexed before what the process wrote after the gap (stderr's excepted).
  private async resume(final: boolean): Promise<void> {
    const spool = this.spools.stderr;
    spool.appendLine(this.full.marker(this.settings.now()));
    this.full.resume();
    this.gapAt = undefined;
    this.hooks.onDiskFull(false);
    this.arrivals.note('stderr', spool.size(), this.settings.now());
    await this.indexSteps(final);
  }

  private emit(frame: Frame, content: Buffer): void {
    const lines: LogLine[] = [];
    frameLines(content, frame, lines);
    for (const line of lines) this.hooks.emit(line);
  }

  // After a rotation: delete the segments no kept frame points into, and punch out the unneeded start of the live one.
  private async freeSpace(): Promise<void> {
    for (const stream of STREAMS) {
      const spool = this.spools[stream];
      const oldest = this.journal.oldestKept(stream) ?? { segment: spool.segment, start: spool.offset };
      const stale = (await listSegments(this.paths.spoolDir, this.paths.unit, stream)).filter((n) => n < oldest.segment && n !== spool.segment);
      await Promise.all(stale.map((n) => rm(segmentPath(this.paths.spoolDir, this.paths.unit, stream, n), { force: true })));
      if (oldest.segment === spool.segment) this.punch(stream, oldest.start);
    }
  }

  // Punches out the first `length` bytes of the stream's live segment once `freeBytes` more are unneeded. Not awaited:
  // it runs a program (~10 ms), which a drain at the unit's exit waited for (issue 7); no frame points at those bytes.
  private punch(stream: Stream, length: number): void {
    const spool = this.spools[stream];
    if (!this.settings.holes.usable || this.punching.has(stream) || length - this.punched[stream] < this.settings.freeBytes) return;
    this.punching.add(stream);
    spool
      .punch(length)
      .then(() => {
        if (this.spools[stream] === spool) this.punched[stream] = length;
      })
      .catch((error: unknown) => {
        // The segment closed or deleted meanwhile (a new process, the unit removed) says nothing about holes.
        if (this.closed || this.spools[stream] !== spool) return;
        this.settings.holes.usable = false;
        this.hooks.onError(new Error('cannot punch holes in spools, so a process that never restarts keeps all its output on disk', { cause: error }));
      })
      .finally(() => this.punching.delete(stream));
  }

  private wakeOnWrites(stream: Stream): void {
    const onWatchError = (error: unknown) => {
      if (this.settings.unwatched.reported) return;
      this.settings.unwatched.reported = true;
      const every = this.settings.wake.unwatchedPollMs;
      this.hooks.onError(new Error(`cannot watch spool files, so quiet ones are polled every ${every} ms`, { cause: error }));
    };
    const path = segmentPath(this.paths.spoolDir, this.paths.unit, stream, this.spools[stream].segment);
    const wake = (size: number) => this.notify(stream, size);
    this.wakers[stream] = new SpoolWaker(path, () => this.spools[stream].size(), wake, this.settings.wake, onWatchError);
  }

  // Work started by a file event or a timer: nobody awaits it, so its errors go to the store's error report.
  private inBackground(task: () => Promise<void> | void): void {
    this.serial.run(task).catch((error: unknown) => this.hooks.onError(error));
  }
}
