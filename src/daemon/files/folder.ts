// A folder of the sandbox held open by fd, for work that must happen in it and nowhere else: a process's working
// folder, an overlay's target. Its `path` (/proc/self/fd/N) names that very folder for as long as the fd is open, so
// a folder swapped for a symlink after it was opened cannot redirect what is done through it. A child process given
// it as `cwd` chdir()s through the fd it inherited (libuv does so after fork, before exec, and before any setuid).
import { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isInside, PathEscapeError } from '../../contract/paths.js';
import { fdPath, FOLLOW, walk, type Place } from './walk.js';

// O_NOFOLLOW: a symlink as the last name fails (ENOTDIR with O_DIRECTORY) and is followed by the walk, inside the root.
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** An open folder of the sandbox. */
export interface HeldFolder {
  fd: number;
  /** `/proc/self/fd/<fd>`: names the folder itself, wherever it is moved and whatever is swapped in at its old path. */
  path: string;
  /** Its host path when it was opened, as the kernel reports it. */
  real: string;
  close(): void;
}

/**
 * Opens the folder at `sandboxPath` inside `root`, every name on the way opened without following symlinks (those
 * are followed by the walk, only while they stay inside). `create` makes it and its missing parents (mkdir -p).
 * Throws PathEscapeError, or the errno of the walk (ENOENT missing, ENOTDIR a file on the way or at the end).
 */
export async function openFolder(root: string, sandboxPath: string, options: { create?: boolean } = {}): Promise<HeldFolder> {
  const fd = await walk(root, sandboxPath, options, async (place) => openLast(place, options.create === true));
  try {
    const real = readlinkSync(fdPath(fd));
    // Opened by name from a folder inside the root, it is inside; checked again as cheap proof (folders may be moved).
    if (!isInside(await realpath(root), real)) throw new PathEscapeError(sandboxPath, 'symlink');
    let open = true;
    const close = () => {
      if (open) closeSync(fd);
      open = false;
    };
    return { fd, path: fdPath(fd), real, close };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Runs `work` with the folder held open, and closes it when `work` has settled. */
export async function inFolder<T>(root: string, sandboxPath: string, work: (folder: HeldFolder) => T | Promise<T>): Promise<T> {
  const folder = await openFolder(root, sandboxPath);
  try {
    return await work(folder);
  } finally {
    folder.close();
  }
}

function openLast(place: Place, create: boolean): number | typeof FOLLOW {
  for (let attempt = 1; ; attempt++) {
    try {
      return openSync(place.path, FOLDER_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' && lstatSync(place.path).isSymbolicLink()) return FOLLOW;
      if (code !== 'ENOENT' || !create || attempt === 3) throw error;
      try {
        mkdirSync(place.path);
      } catch (made) {
        if ((made as NodeJS.ErrnoException).code !== 'EEXIST') throw made;
      }
    }
  }
}
