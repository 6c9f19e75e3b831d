// A unit's log index on disk: frames appended to `NAME.index`, rotated to `NAME.index.1` when the lines they point
// at (and the index itself) pass a size, so that a unit keeps between one and two times that much of its output.
import { writeSync } from 'node:fs';
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { formatFrame, parseFrames, type Frame, type Stream } from './frame.js';

type PerStream = Partial<Record<Stream, Frame>>;

/** The files of a unit's index, oldest first: the rotated one, then the current one. */
export function journalFiles(path: string): [rotated: string, current: string] {
  return [`${path}.1`, path];
}

/** The writer of one unit's index. Not safe for concurrent use: its owner serialises calls. */
export class Journal {
  private constructor(
    readonly path: string,
    private handle: FileHandle,
    /** Bytes of the current file, and bytes of output its frames point at. */
    private size: number,
    private covered: number,
    private readonly maxBytes: number,
    /** Each stream's first frame in the current file and in the rotated one. */
    private firstInCurrent: PerStream,
    private firstInRotated: PerStream,
  ) {}

  /**
   * Opens (creating) the index at `path` for appending, and returns with it each stream's last frame (where indexing
   * resumes). A torn last frame, left by a crash or a full disk in the middle of a write, is cut off first.
   */
  static async open(path: string, maxBytes: number): Promise<{ journal: Journal; last: PerStream }> {
    const handle = await open(path, 'a', 0o600);
    try {
      const content = await readFile(path);
      const { frames, end } = parseFrames(content);
      if (end < content.length) await handle.truncate(end);
      const rotated = parseFrames(await readFile(journalFiles(path)[0]).catch(() => Buffer.alloc(0))).frames;
      const covered = frames.reduce((sum, frame) => sum + frame.length, 0);
      const journal = new Journal(path, handle, end, covered, maxBytes, firstOf(frames), firstOf(rotated));
      return { journal, last: { ...lastOf(rotated), ...lastOf(frames) } };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The oldest frame of `stream` that is kept: nothing before it in the spools is needed any more. */
  oldestKept(stream: Stream): Frame | undefined {
    return this.firstInRotated[stream] ?? this.firstInCurrent[stream];
  }

  /**
   * Appends a frame, rotating first if it would pass the size; true if it rotated. The write is synchronous (a few
   * dozen bytes to the page cache): through the thread pool, hundreds of them a second slowed a busy unit (issue 7).
   */
  async append(frame: Frame): Promise<boolean> {
    const bytes = formatFrame(frame);
    const rotate = this.size > 0 && this.size + this.covered + bytes.length + frame.length > this.maxBytes;
    if (rotate) await this.rotate();
    let written = 0;
    try {
      written = writeSync(this.handle.fd, bytes);
      if (written !== bytes.length) throw new Error(`short write to ${this.path} (${written} of ${bytes.length} bytes)`);
    } catch (error) {
      // Cut a partial frame off again, so that the index stays readable after a full disk.
      if (written > 0) await this.handle.truncate(this.size).catch(() => {});
      throw error;
    }
    this.size += bytes.length;
    this.covered += frame.length;
    this.firstInCurrent[frame.stream] ??= frame;
    return rotate;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  private async rotate(): Promise<void> {
    await this.handle.close();
    try {
      await rename(this.path, journalFiles(this.path)[0]);
      this.firstInRotated = this.firstInCurrent;
      this.firstInCurrent = {};
    } finally {
      // Reopen even when the rename failed, so that the index keeps a live file rather than a closed handle.
      this.handle = await open(this.path, 'a', 0o600);
      this.size = (await this.handle.stat()).size;
      if (this.size === 0) this.covered = 0;
    }
  }
}

function firstOf(frames: Frame[]): PerStream {
  return { stdout: frames.find((f) => f.stream === 'stdout'), stderr: frames.find((f) => f.stream === 'stderr') };
}

function lastOf(frames: Frame[]): PerStream {
  const last: PerStream = {};
  for (const frame of frames) last[frame.stream] = frame;
  return last;
}
