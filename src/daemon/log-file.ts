// The daemon's own log file, bounded: a pino destination that renames the file to `PATH.1` once it reaches a size.
// Why: with a unit crash-looping (`restart_delay_ms: 0`), daemon.log grew 3.3 MB a minute and was never rotated.
import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';

/** How large daemon.log may grow before it is rotated (one older file is kept, so at most twice this is on disk). */
export const DAEMON_LOG_BYTES = 5 * 1024 * 1024;

/**
 * A synchronous, size-bounded log file for pino: appends each record, and when one would take the file past
 * `maxBytes`, renames it to `PATH.1` (replacing the older one) and starts a new file. Writes are synchronous so that a
 * daemon that crashes has still logged everything up to the crash; the daemon's state lock makes it the only writer.
 */
export class RotatingLogFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes = DAEMON_LOG_BYTES,
    private readonly mode = 0o600,
  ) {
    this.fd = openSync(path, 'a', mode);
    this.size = fstatSync(this.fd).size;
  }

  /** Appends one record (pino gives whole lines). */
  write(chunk: string): boolean {
    const bytes = Buffer.from(chunk);
    try {
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written);
      this.size += written;
    } catch {
      // The daemon's log is not worth the daemon: a full disk or a failed rotation drops this record, not the daemon.
      // Its size is read again, so that the next record still rotates in time.
      this.size = this.currentSize();
    }
    return true;
  }

  /** Nothing is buffered; pino's flush() calls this. */
  flush(callback?: (error?: Error) => void): void {
    callback?.();
  }

  /** Closes the file. */
  end(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    renameSync(this.path, `${this.path}.1`);
    const fd = openSync(this.path, 'a', this.mode);
    closeSync(this.fd);
    this.fd = fd;
    this.size = 0;
  }

  private currentSize(): number {
    try {
      return fstatSync(this.fd).size;
    } catch {
      return this.size;
    }
  }
}
