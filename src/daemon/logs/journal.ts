// A unit's structured log on disk: frames appended to `NAME.log`, rotated to `NAME.log.1` at a size.
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { frameHeader, parseFrames, type Stream } from './frame.js';

const NEWLINE = Buffer.from('\n');

/** The files of a unit's structured log, oldest first: the rotated one, then the current one. */
export function journalFiles(path: string): [rotated: string, current: string] {
  return [`${path}.1`, path];
}

/** The writer of one unit's structured log. Not safe for concurrent use: its owner serialises calls. */
export class Journal {
  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private size: number,
    private readonly maxBytes: number,
  ) {}

  /**
   * Opens (creating) the log at `path` for appending. A torn last frame, left by a crash or a full disk in the middle
   * of a write, is cut off first: appending after it would make every later frame unreadable.
   */
  static async open(path: string, maxBytes: number): Promise<Journal> {
    const handle = await open(path, 'a', 0o600);
    try {
      const content = await readFile(path);
      const { end } = parseFrames(content);
      if (end < content.length) await handle.truncate(end);
      return new Journal(path, handle, end, maxBytes);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Appends one frame of whole lines (`addNewline` ends a cut line), rotating first if it would pass the size. */
  async append(ts: number, stream: Stream, lines: Buffer, addNewline: boolean): Promise<void> {
    const length = lines.length + (addNewline ? 1 : 0);
    const header = frameHeader(ts, stream, length);
    const total = header.length + length;
    if (this.size > 0 && this.size + total > this.maxBytes) await this.rotate();
    const parts = addNewline ? [header, lines, NEWLINE] : [header, lines];
    let written = 0;
    try {
      ({ bytesWritten: written } = await this.handle.writev(parts));
      if (written !== total) throw new Error(`short write to ${this.path} (${written} of ${total} bytes)`);
    } catch (error) {
      // Cut a partial frame off again, so that the log stays readable after a full disk.
      if (written > 0) await this.handle.truncate(this.size).catch(() => {});
      throw error;
    }
    this.size += total;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  private async rotate(): Promise<void> {
    await this.handle.close();
    try {
      await rename(this.path, journalFiles(this.path)[0]);
    } finally {
      // Reopen even when the rename failed, so that the log keeps a live file rather than a closed handle.
      this.handle = await open(this.path, 'a', 0o600);
      this.size = (await this.handle.stat()).size;
    }
  }
}
