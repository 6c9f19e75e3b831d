// Removing an entry without leaving the folder it is in: a file or symlink is unlinked (a symlink itself, never its
// target), and a folder is emptied through an fd of it, so that a subfolder swapped for a symlink meanwhile is
// unlinked, not followed (`rm -r` by path would empty the symlink's target, outside the root).
import { closeSync, constants, openSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { open, readdir, rmdir, unlink } from 'node:fs/promises';
import { fdPath } from './walk.js';

const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
// A folder replaced by a file or link between our looks is unlinked on the next attempt; a racer gets this many.
const ATTEMPTS = 3;

/** Removes `name` of the folder `folder` (an fdPath) with everything in it; ENOENT when there is no such entry. */
export async function removeEntry(folder: string, name: string): Promise<void> {
  const path = `${folder}/${name}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await unlink(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    }
    try {
      await removeFolder(path);
      return;
    } catch (error) {
      // unlink saw a folder, and now it is a file or a symlink: unlink that.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR' || attempt === ATTEMPTS) throw error;
    }
  }
}

async function removeFolder(path: string): Promise<void> {
  const handle = await open(path, FOLDER_FLAGS);
  try {
    const inside = fdPath(handle.fd);
    for (const name of await readdir(inside)) await removeEntry(inside, name).catch(ignoreMissing);
  } finally {
    await handle.close();
  }
  await rmdir(path);
}

// An entry removed by someone else while we empty its folder is gone, as we wanted.
function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/** removeEntry, synchronously (for a rename over a folder in a synchronous copy). */
export function removeEntrySync(folder: string, name: string): void {
  const path = `${folder}/${name}`;
  for (let attempt = 1; ; attempt++) {
    try {
      unlinkSync(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    }
    try {
      removeFolderSync(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR' || attempt === ATTEMPTS) throw error;
    }
  }
}

function removeFolderSync(path: string): void {
  const fd = openSync(path, FOLDER_FLAGS);
  try {
    const inside = fdPath(fd);
    for (const name of readdirSync(inside)) {
      try {
        removeEntrySync(inside, name);
      } catch (error) {
        ignoreMissing(error);
      }
    }
  } finally {
    closeSync(fd);
  }
  rmdirSync(path);
}
