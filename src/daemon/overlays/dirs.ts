// The folders of an overlay's target, each reached from the target's fd one name at a time without following
// symlinks, and held open by fd while an entry in it is written. A folder a unit swaps for a symlink (to outside the
// sandbox, say) is then never written through: an entry `a/b/f` is written as `/proc/self/fd/<fd of a/b>/f`, and
// the kernel resolves only that last name (which every write creates by O_EXCL, renames, or lstats, never follows).
import { closeSync, constants, lstatSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { fdPath } from '../files/walk.js';

// A folder on the way: a symlink or a file there fails (ELOOP, ENOTDIR) instead of being followed.
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
// Folders kept open for the next entries once no write uses them (a first copy writes folder by folder).
const KEEP_OPEN = 64;

interface Held {
  fd: number;
  users: number;
}

/** The target's folders, opened on demand below `base` (a /proc/self/fd path of the target the caller holds). */
export class TargetDirs {
  private readonly held = new Map<string, Held>();

  /**
   * `create`: a missing folder on the way is made, and a file or symlink where a folder belongs is removed first
   * (the overlay's rule: the source wins); else such a path fails (ENOENT, ENOTDIR, ELOOP).
   */
  constructor(private readonly base: string, private readonly create: boolean) {}

  /** Runs `write` with the path of the entry `rel` (a path relative to the target), its folder held open until it settles. */
  async at<T>(rel: string, write: (path: string) => T | Promise<T>): Promise<T> {
    const parent = posix.dirname(rel);
    if (parent === '.') return await write(`${this.base}/${rel}`);
    const folder = this.open(parent);
    folder.users += 1;
    try {
      return await write(`${fdPath(folder.fd)}/${posix.basename(rel)}`);
    } catch (error) {
      // Named from the target's path, which the caller maps to the sandbox's (the folder's own fd means nothing to a user).
      if (error instanceof Error) error.message = error.message.replaceAll(`${fdPath(folder.fd)}/`, `${this.base}/${parent}/`);
      throw error;
    } finally {
      folder.users -= 1;
      this.trim();
    }
  }

  /** Closes every folder it opened (none may be in use). */
  close(): void {
    for (const folder of this.held.values()) closeSync(folder.fd);
    this.held.clear();
  }

  // Synchronous from the lookup to the open: no fd can be closed (and its number reused) in between.
  private open(rel: string): Held {
    const known = this.held.get(rel);
    if (known) {
      // Most recently used last, so that trim closes the folders longest unused.
      this.held.delete(rel);
      this.held.set(rel, known);
      return known;
    }
    const parent = posix.dirname(rel);
    const inside = parent === '.' ? this.base : fdPath(this.open(parent).fd);
    const folder = { fd: this.openName(`${inside}/${posix.basename(rel)}`), users: 0 };
    this.held.set(rel, folder);
    return folder;
  }

  private openName(path: string): number {
    for (let attempt = 1; ; attempt++) {
      try {
        return openSync(path, FOLDER_FLAGS);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (!this.create || !['ENOENT', 'ENOTDIR', 'ELOOP'].includes(code) || attempt === 3) throw error;
        makeFolder(path);
      }
    }
  }

  private trim(): void {
    if (this.held.size <= KEEP_OPEN) return;
    for (const [rel, folder] of this.held) {
      if (this.held.size <= KEEP_OPEN) return;
      // A folder in use stays open; its parents may close (a folder's fd does not need theirs).
      if (folder.users > 0) continue;
      closeSync(folder.fd);
      this.held.delete(rel);
    }
  }
}

// A file or symlink in the folder's place is unlinked (never followed); a folder someone made meanwhile is fine.
function makeFolder(path: string): void {
  const stat = lstatOrNull(path);
  if (stat && !stat.isDirectory()) unlinkSync(path);
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
