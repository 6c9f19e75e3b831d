// Spool files: what a unit's processes write one stream into, kept as the log itself. A stream's output goes into
// numbered segments (`UNIT.STREAM.N`); a process starts a new segment only when the current one is large, and the
// index's frames point into them. Old segments are deleted and the old part of a live one is punched out as the
// index rotates past them, so a spool is never truncated under a writer (which could lose a write).
import { execFile } from 'node:child_process';
import { appendFileSync, constants, fstatSync, readdirSync, readSync } from 'node:fs';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Stream } from './frame.js';

const run = promisify(execFile);

/** Flags for the process's side: it only appends, so several processes in turn can share a segment. */
export const WRITER_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;

/** The path of a unit's spool segment. */
export function segmentPath(spoolDir: string, unit: string, stream: Stream, segment: number): string {
  return join(spoolDir, `${unit}.${stream}.${segment}`);
}

/** The unit, stream and segment number a spool file's name gives; undefined for any other name. */
export function parseSegmentName(name: string): { unit: string; stream: Stream; segment: number } | undefined {
  const match = /^(.+)\.(stdout|stderr)\.(\d{1,9})$/.exec(name);
  return match ? { unit: match[1]!, stream: match[2] as Stream, segment: Number(match[3]) } : undefined;
}

/** The segment numbers of a unit's stream found in `names` (a listing of the spool folder), lowest first. */
export function segmentsIn(names: string[], unit: string, stream: Stream): number[] {
  return names
    .map(parseSegmentName)
    .filter((found) => found?.unit === unit && found.stream === stream)
    .map((found) => found!.segment)
    .sort((a, b) => a - b);
}

/** The segment numbers of a unit's stream on disk now, lowest first (read synchronously, for a process's start). */
export function segmentsOnDisk(spoolDir: string, unit: string, stream: Stream): number[] {
  try {
    return segmentsIn(readdirSync(spoolDir), unit, stream);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The same, read asynchronously. */
export async function listSegments(spoolDir: string, unit: string, stream: Stream): Promise<number[]> {
  return segmentsIn(await readdir(spoolDir), unit, stream);
}

/** The daemon's handle on one spool segment, and how far into it the index reaches. */
export class Spool {
  private constructor(
    readonly segment: number,
    private readonly path: string,
    private readonly handle: FileHandle,
    /** Bytes from the start of the segment that the index covers. */
    public offset: number,
  ) {}

  /** Opens (creating) segment `segment` at `path`, the index covering it up to `offset`. */
  static async open(path: string, segment: number, offset: number): Promise<Spool> {
    const handle = await open(path, constants.O_RDONLY | constants.O_CREAT, 0o600);
    try {
      const { size } = await handle.stat();
      // Larger than the file: the segment was replaced behind the index's back (deleted by hand); index it anew.
      return new Spool(segment, path, handle, offset > size ? 0 : offset);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The file's size now. */
  size(): number {
    return fstatSync(this.handle.fd).size;
  }

  /**
   * The few bytes from `start` to `end` (fewer if the file is shorter), read synchronously: a busy unit's spool is
   * looked at hundreds of times a second, and a round trip through libuv's thread pool for each look slowed the
   * unit itself (100 MB: 240 ms instead of 208 ms, issue 7); a read of a few KiB from the page cache takes microseconds.
   */
  readSmall(start: number, end: number): Buffer {
    const buffer = Buffer.allocUnsafe(end - start);
    return buffer.subarray(0, readSync(this.handle.fd, buffer, 0, buffer.length, start));
  }

  /** The bytes from `start` to `end` (fewer if the file is shorter). */
  async read(start: number, end: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  }

  /**
   * Appends a line of the daemon's own (a marker) after whatever the processes wrote, on a line of its own: a full
   * disk can leave a process's last line cut short. Synchronous and rare; O_APPEND keeps it whole beside a writer.
   */
  appendLine(text: string): void {
    const size = this.size();
    const cut = size > 0 && this.readSmall(size - 1, size)[0] !== 0x0a;
    appendFileSync(this.path, `${cut ? '\n' : ''}${text}\n`);
  }

  /**
   * Frees the disk space of the file's first `length` bytes by punching a hole (`fallocate --punch-hole`, which Node
   * does not expose). The file keeps its size and offsets; only bytes no frame points at are ever punched.
   */
  async punch(length: number): Promise<void> {
    await run('fallocate', ['--punch-hole', '--offset', '0', '--length', String(length), this.path], { timeout: 10_000 });
  }

  /** Closes the daemon's handle (the process's own descriptors are unaffected). */
  async close(): Promise<void> {
    await this.handle.close();
  }
}
