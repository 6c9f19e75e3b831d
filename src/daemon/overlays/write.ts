// How an overlay writes one entry into its target: never through a link, never half-written.
import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { chmodSync, closeSync, constants, copyFileSync, fstatSync, lstatSync, lutimesSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { copyFile, lstat, lutimes, mkdir, open, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeEntry, removeEntrySync } from '../files/remove.js';
import { fdPath } from '../files/walk.js';

/** How many times a file that keeps changing while it is copied is copied again before the sync gives up on it. */
export const COPY_ATTEMPTS = 5;

/** Files up to this size are read, hashed and written in one go; larger ones are copied by the kernel, unhashed. */
export const HASH_LIMIT = 4 * 1024 * 1024;

/**
 * Files up to this size are copied with the synchronous calls (copySmallFileSync): a first copy of 10,000 files of
 * 20 KB made ~60,000 trips through libuv's 4-thread pool, and was 1.4-1.9x `cp -a`, which copies in one thread.
 */
export const SYNC_COPY_LIMIT = 256 * 1024;

/** The source file changed during every attempt to copy it. */
export class KeptChangingError extends Error {
  constructor(readonly path: string) {
    super(`${path} kept changing while it was copied`);
    this.name = 'KeptChangingError';
  }
}

/** The lstat of a path, or null when nothing is there. */
export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** lstatOrNull, synchronously. */
export function lstatOrNullSync(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

// The name an entry is written under before it is renamed over `dst`.
function tempBeside(dst: string): string {
  return join(dirname(dst), `.${basename(dst)}.compute-${randomBytes(4).toString('hex')}`);
}

// O_PATH (Linux): an fd of the entry itself, which needs no permission on it; with O_NOFOLLOW, of a symlink itself.
const O_PATH = 0o10000000;

/**
 * chmod of the entry at `path` itself. A symlink there (a unit may swap one in at any time) is left alone: chmod by
 * name would follow it and change the mode of whatever it points at, outside the sandbox as well.
 */
export function chmodEntry(path: string, mode: number): void {
  const fd = openSync(path, O_PATH | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isSymbolicLink()) chmodSync(fdPath(fd), mode);
  } finally {
    closeSync(fd);
  }
}

/** The content of the regular file at `path`, never read through a symlink nor from a named pipe; null if it is not one. */
export function readFileEntry(path: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return null;
    throw error;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : null;
  } finally {
    closeSync(fd);
  }
}

// A target folder may have been replaced by a file or a symlink (by a unit, or by a former `smart` sync); it is
// removed rather than written through, so nothing is ever written outside the target. `path` names the entry in a
// folder held open (dirs.ts), so only its last name is looked up, and a folder swapped in meanwhile is emptied by fd.
/** Makes `path` a real folder that the overlay can write into. */
export async function ensureDir(path: string): Promise<void> {
  const stat = await lstatOrNull(path);
  if (stat?.isDirectory()) {
    if ((stat.mode & 0o700) !== 0o700) chmodEntry(path, stat.mode | 0o700);
    return;
  }
  if (stat) await removeEntry(dirname(path), basename(path)).catch(ignoreMissing);
  await mkdir(path);
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/**
 * Copies `src` to `dst` through a temp name beside it, renamed over `dst` only when the source did not change during
 * the copy (same size, mtime and ctime before and after); otherwise it is copied again (KeptChangingError after
 * COPY_ATTEMPTS). A folder at `dst` is removed first: the source wins. Mode and mtime follow the source, so a later
 * sync can tell the file is up to date. Returns the source's stat as copied, and a sha1 when `hash` is asked.
 * `known` is the source's stat when the caller just took it (one lstat less per file of a first copy).
 */
export async function copyFileAtomic(src: string, dst: string, options: { hash?: boolean; known?: Stats } = {}): Promise<{ stat: Stats; hash?: string }> {
  for (let attempt = 0; attempt < COPY_ATTEMPTS; attempt++) {
    const before = attempt === 0 && options.known ? options.known : await lstat(src);
    const temp = tempBeside(dst);
    let hash: string | undefined;
    let renamed = false;
    try {
      if (options.hash && before.size <= HASH_LIMIT) {
        const bytes = await readFile(src);
        hash = createHash('sha1').update(bytes).digest('hex');
        // Through the fd it was created with (O_EXCL): a name swapped for a symlink since is never followed.
        const handle = await open(temp, 'wx');
        try {
          await handle.writeFile(bytes);
          await handle.chmod(before.mode & 0o7777);
        } finally {
          await handle.close();
        }
      } else {
        // libuv's copyfile gives the copy the source's mode itself (an fchmod after the open), umask or not.
        await copyFile(src, temp, constants.COPYFILE_EXCL);
      }
      await lutimes(temp, before.atime, before.mtime);
      if (!unchanged(before, await lstat(src))) continue;
      await renameOver(temp, dst);
      renamed = true;
      return hash === undefined ? { stat: before } : { stat: before, hash };
    } finally {
      if (!renamed) await rm(temp, { force: true });
    }
  }
  throw new KeptChangingError(src);
}

// A rename onto `dst`; a folder there (the source now has a file where it had one) is removed first.
async function renameOver(temp: string, dst: string): Promise<void> {
  try {
    await rename(temp, dst);
  } catch (error) {
    if (!RENAME_ONTO_FOLDER.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await removeEntry(dirname(dst), basename(dst)).catch(ignoreMissing);
    await rename(temp, dst);
  }
}

/** copyFileAtomic for a file of at most SYNC_COPY_LIMIT bytes, synchronously (same temp name, checks and rename). */
export function copySmallFileSync(src: string, dst: string, known: Stats): Stats {
  for (let attempt = 0; attempt < COPY_ATTEMPTS; attempt++) {
    const before = attempt === 0 ? known : lstatSync(src);
    const temp = tempBeside(dst);
    let renamed = false;
    try {
      copyFileSync(src, temp, constants.COPYFILE_EXCL);
      lutimesSync(temp, before.atime, before.mtime);
      if (!unchanged(before, lstatSync(src))) continue;
      renameOverSync(temp, dst);
      renamed = true;
      return before;
    } finally {
      if (!renamed) rmSync(temp, { force: true });
    }
  }
  throw new KeptChangingError(src);
}

// renameOver, synchronously.
function renameOverSync(temp: string, dst: string): void {
  try {
    renameSync(temp, dst);
  } catch (error) {
    if (!RENAME_ONTO_FOLDER.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    try {
      removeEntrySync(dirname(dst), basename(dst));
    } catch (removing) {
      ignoreMissing(removing);
    }
    renameSync(temp, dst);
  }
}

// What rename says when a folder is where the file goes.
const RENAME_ONTO_FOLDER = new Set(['EISDIR', 'ENOTEMPTY', 'EEXIST']);

function unchanged(a: Stats, b: Stats): boolean {
  return a.isFile() && b.isFile() && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** Makes `dst` a symlink with `text` (through a temp name and rename, so it is never missing); nothing if it already is. */
export async function placeLink(dst: string, text: string): Promise<void> {
  const stat = await lstatOrNull(dst);
  if (stat?.isSymbolicLink() && (await readlink(dst)) === text) return;
  if (stat?.isDirectory()) await removeEntry(dirname(dst), basename(dst)).catch(ignoreMissing);
  const temp = tempBeside(dst);
  await symlink(text, temp);
  try {
    await rename(temp, dst);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
