// Writing the files of a state folder so that a crash never leaves half a file and nobody else can read them:
// every daemon file (state.json, overlays.json, daemon.json, daemon.pid) is written by writeAtomic, and the
// folders that hold them are made private by privateDir. Secrets live there (unit environments in state.json).
import { chmod, lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { nodeCrypto } from './lazy-crypto.js';

/** The mode of every file the daemon writes: its owner's only (state.json holds the units' environments). */
export const PRIVATE_FILE_MODE = 0o600;

/** The mode of the state folder and of `.compute/`. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Writes `content` to `path` so that readers see the old file or the new one whole, even after a power cut: a temp
 * file beside it (mode 0600 by default), fsynced, renamed over `path`, then the folder fsynced so the rename itself is
 * durable. The parent folder is created (0700) when missing. On failure the temp file is removed and the error thrown.
 */
export async function writeAtomic(path: string, content: string, mode = PRIVATE_FILE_MODE): Promise<void> {
  const temp = `${path}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeSynced(temp, content, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

async function writeSynced(path: string, content: string, mode: number): Promise<void> {
  let handle;
  try {
    // 'wx': the temp name is new; a file already there would be someone else's.
    handle = await open(path, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    handle = await open(path, 'wx', mode);
  }
  try {
    // The umask may have taken bits away from `mode`, never added any; chmod makes it exact.
    await handle.chmod(mode);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// Best effort: some file systems refuse fsync on a folder (EINVAL, EISDIR); the data itself is already synced.
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Nothing to do: the rename is done, only its durability across a power cut is less certain.
  }
}

/**
 * Creates `dir` (and missing parents) with mode 0700, or takes group and other bits off an existing one: a state
 * folder first made 0755 (by an older version, or by hand) would otherwise let anyone read the units' secrets.
 * An existing folder is changed only when it is empty or holds one of `ownNames` (it is ours): `--state /tmp` or
 * `--state ~` must not change a folder that others share. Returns whether the folder is private now.
 */
export async function privateDir(dir: string, ownNames: readonly string[]): Promise<boolean> {
  if (await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })) return true;
  const { mode } = await lstat(dir);
  if ((mode & 0o077) === 0) return true;
  const names = await readdir(dir);
  const ours = (mode & 0o1000) === 0 && (names.length === 0 || names.some((name) => ownNames.includes(name)));
  if (ours) await chmod(dir, PRIVATE_DIR_MODE);
  return ours;
}

/**
 * Takes group and other bits off the entries of `dir` named in `names` that exist (not deeper: a private `dir`
 * keeps everyone else out of its subfolders). Symlinks are not followed. For what an older daemon left readable.
 */
export async function privateEntries(dir: string, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => tighten(join(dir, name))));
}

async function tighten(path: string): Promise<void> {
  try {
    const stats = await lstat(path);
    if ((!stats.isFile() && !stats.isDirectory()) || (stats.mode & 0o077) === 0) return;
    await chmod(path, stats.isDirectory() ? PRIVATE_DIR_MODE : stats.mode & 0o700);
  } catch (error) {
    // Not there (or removed meanwhile, like a temp file renamed away): nothing to protect.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
