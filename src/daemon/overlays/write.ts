// How an overlay writes one entry into its target: never through a link, never half-written.
import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readFile, readlink, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** How many times a file that keeps changing while it is copied is copied again before the sync gives up on it. */
export const COPY_ATTEMPTS = 5;

/** Files up to this size are read, hashed and written in one go; larger ones are copied by the kernel, unhashed. */
export const HASH_LIMIT = 4 * 1024 * 1024;

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

// A target folder may have been replaced by a file or a symlink (by a unit, or by a former `smart` sync); it is
// removed rather than written through, so nothing is ever written outside the target.
/** Makes `path` a real folder that the overlay can write into. */
export async function ensureDir(path: string, recursive: boolean): Promise<void> {
  const stat = await lstatOrNull(path);
  if (stat?.isDirectory()) {
    if ((stat.mode & 0o700) !== 0o700) await chmod(path, stat.mode | 0o700);
    return;
  }
  if (stat) await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive });
}

/**
 * Copies `src` to `dst` through a temp name beside it, renamed over `dst` only when the source did not change during
 * the copy (same size, mtime and ctime before and after); otherwise it is copied again (KeptChangingError after
 * COPY_ATTEMPTS). A folder at `dst` is removed first: the source wins. Mode and mtime follow the source, so a later
 * sync can tell the file is up to date. Returns the source's stat as copied, and a sha1 when `hash` is asked.
 */
export async function copyFileAtomic(src: string, dst: string, options: { hash?: boolean } = {}): Promise<{ stat: Stats; hash?: string }> {
  for (let attempt = 0; attempt < COPY_ATTEMPTS; attempt++) {
    const before = await lstat(src);
    const temp = join(dirname(dst), `.${basename(dst)}.compute-${randomBytes(4).toString('hex')}`);
    let hash: string | undefined;
    let renamed = false;
    try {
      if (options.hash && before.size <= HASH_LIMIT) {
        const bytes = await readFile(src);
        hash = createHash('sha1').update(bytes).digest('hex');
        await writeFile(temp, bytes, { flag: 'wx' });
      } else {
        await copyFile(src, temp, constants.COPYFILE_EXCL);
      }
      await chmod(temp, before.mode & 0o7777);
      await utimes(temp, before.atime, before.mtime);
      if (!unchanged(before, await lstat(src))) continue;
      const existing = await lstatOrNull(dst);
      if (existing?.isDirectory()) await rm(dst, { recursive: true, force: true });
      await rename(temp, dst);
      renamed = true;
      return hash === undefined ? { stat: before } : { stat: before, hash };
    } finally {
      if (!renamed) await rm(temp, { force: true });
    }
  }
  throw new KeptChangingError(src);
}

function unchanged(a: Stats, b: Stats): boolean {
  return a.isFile() && b.isFile() && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** Makes `dst` a symlink with `text` (through a temp name and rename, so it is never missing); nothing if it already is. */
export async function placeLink(dst: string, text: string): Promise<void> {
  const stat = await lstatOrNull(dst);
  if (stat?.isSymbolicLink() && (await readlink(dst)) === text) return;
  if (stat?.isDirectory()) await rm(dst, { recursive: true, force: true });
  const temp = join(dirname(dst), `.${basename(dst)}.compute-${randomBytes(4).toString('hex')}`);
  await symlink(text, temp);
  try {
    await rename(temp, dst);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
