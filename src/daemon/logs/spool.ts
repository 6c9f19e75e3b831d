// The daemon's side of a spool file: the file a unit's process writes one stream into, read from where ingestion stopped.
import { execFile } from 'node:child_process';
import { constants, fstatSync, ftruncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Stream } from './frame.js';

const run = promisify(execFile);

/** Flags for the process's side: appends only, so that truncation by the daemon makes it continue at the new end. */
export const WRITER_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;

/** One spool file and how far into it ingestion has got. */
export class Spool {
  /** Bytes from the start of the file whose disk space has been freed. */
  private punched = 0;

  private constructor(
    readonly stream: Stream,
    private readonly path: string,
    private readonly handle: FileHandle,
    /** Bytes from the start of the file that are in the structured log. */
    public offset: number,
  ) {}

  /**
   * Opens (creating) the spool at `path`, resuming at `offset`. An offset past the end means the file was truncated
   * after the offset was saved, so what it holds now is all new: start from 0.
   */
  static async open(path: string, stream: Stream, offset: number): Promise<Spool> {
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      const { size } = await handle.stat();
      return new Spool(stream, path, handle, offset > size ? 0 : offset);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Reads into `buffer` from the offset; the number of bytes read (0 at the end). */
  async read(buffer: Buffer): Promise<number> {
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.offset);
    return bytesRead;
  }

  /** True when everything the file holds has been ingested. */
  atEnd(): boolean {
    return fstatSync(this.handle.fd).size === this.offset;
  }

  /**
   * Empties the file if it holds nothing that is not ingested; true if it did. The size check and the truncation are
   * two system calls with nothing between them, but a write that lands between the two is lost: that window of a
   * few microseconds (longer if the daemon is preempted) is why truncation waits for a quiet spool (see ingest.ts).
   */
  truncateIfIngested(): boolean {
    if (fstatSync(this.handle.fd).size !== this.offset) return false;
    ftruncateSync(this.handle.fd, 0);
    this.offset = 0;
    this.punched = 0;
    return true;
  }

  /** Bytes ingested since disk space was last freed. */
  unfreed(): number {
    return this.offset - this.punched;
  }

  /**
   * Frees the disk space of the ingested part by punching a hole in it (`fallocate --punch-hole`, which Node does
   * not expose). Unlike truncation this cannot lose a write, so it is how the spool of a writer that never pauses
   * stays small; the file keeps its apparent size and offsets, and reads of the hole (never made) would give zeros.
   */
  async freeIngested(): Promise<void> {
    const length = this.offset;
    await run('fallocate', ['--punch-hole', '--offset', '0', '--length', String(length), this.path], { timeout: 10_000 });
    this.punched = length;
  }

  /** Closes the daemon's handle (the process's own descriptors are unaffected). */
  async close(): Promise<void> {
    await this.handle.close();
  }
}
