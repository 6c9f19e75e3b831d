// The sandbox's files as the 2.x files API serves them: list, stat, read, write, mkdir, remove, exists.
// Every operation walks its path from an fd of the root (walk.ts), so that no symlink swapped in while it runs can lead
// it outside; replies name sandbox paths, never host paths.
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import type { FileInfo } from '../../contract/wire.js';
import { DaemonError, badRequest } from '../errors.js';
import { PathEscapeError } from '../../contract/paths.js';
import { fileError, sandboxPathOf } from './confine.js';
import { removeEntry } from './remove.js';
import { fdPath, FOLLOW, walk, type Place } from './walk.js';

/** Largest file served by a read: the content goes into one JSON reply held in memory. */
export const MAX_READ_BYTES = 32 * 1024 * 1024;

// O_NOFOLLOW on the last name: a symlink there fails (ELOOP) and is followed by the walk, which keeps it in the root.
// O_NONBLOCK: opening a named pipe waits for its other end, forever (issue 13); it opens at once, and fstat refuses it.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const REPLACE_FLAGS = constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** A FileInfo of an entry from its lstat. */
export function fileInfo(sandboxPath: string, stats: Stats): FileInfo {
  return {
    name: sandboxPath === '/' ? '/' : posix.basename(sandboxPath),
    path: sandboxPath,
    size: stats.isDirectory() ? 0 : stats.size,
    is_dir: stats.isDirectory(),
    modified_at: stats.mtime.toISOString(),
    ...(stats.isSymbolicLink() ? { is_symlink: true } : {}),
  };
}

/** The entries of a folder, sorted by name; symlinks are listed as themselves (not followed). */
export async function listFolder(root: string, sandboxPath: string): Promise<{ path: string; files: FileInfo[] }> {
  const path = sandboxPathOf(sandboxPath);
  return confined(path, walk(root, path, {}, async (place) => {
    const handle = await open(place.path, FOLDER_FLAGS).catch((error: unknown) => symlinkOr(place, error, badRequest(`"${path}" is not a folder`)));
    if (handle === FOLLOW) return FOLLOW;
    try {
      const inside = fdPath(handle.fd);
      const files: FileInfo[] = [];
      for (const name of (await readdir(inside)).sort()) {
        const entry = await lstat(`${inside}/${name}`).catch(() => undefined);
        // An entry removed between readdir and lstat is simply not listed.
        if (entry) files.push(fileInfo(posix.join(path, name), entry));
      }
      return { path, files };
    } finally {
      await handle.close();
    }
  }));
}

/** The FileInfo of an existing file or folder (through symlinks that stay in the root). */
export async function statPath(root: string, sandboxPath: string): Promise<FileInfo> {
  const path = sandboxPathOf(sandboxPath);
  return confined(path, walk(root, path, {}, async (place) => {
    const stats = await lstat(place.path);
    return stats.isSymbolicLink() ? FOLLOW : fileInfo(path, stats);
  }));
}

/** A file's content as UTF-8, with its FileInfo; 400 for a folder, 413 past MAX_READ_BYTES. */
export async function readText(root: string, sandboxPath: string, maxBytes = MAX_READ_BYTES): Promise<{ file: FileInfo; content: string }> {
  const path = sandboxPathOf(sandboxPath);
  return confined(path, walk(root, path, {}, async (place) => {
    const handle = await open(place.path, READ_FLAGS).catch(onLink);
    if (handle === FOLLOW) return FOLLOW;
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw badRequest(`"${path}" is a folder: list it with GET /files?path=${encodeURIComponent(path)}`);
      if (!stats.isFile()) throw notRegular(path, stats);
      if (stats.size > maxBytes) throw new DaemonError(413, `"${path}" is ${stats.size} bytes, more than the ${maxBytes} a read returns`);
      return { file: fileInfo(path, stats), content: (await handle.readFile()).toString('utf8') };
    } finally {
      await handle.close();
    }
  }));
}

/**
 * Creates or replaces a file (and its missing parent folders) with UTF-8 content; `created` tells which. A symlink is
 * written through (its target created if missing) only while the target stays inside the root.
 */
export async function writeText(root: string, sandboxPath: string, content: string): Promise<{ file: FileInfo; created: boolean }> {
  const path = sandboxPathOf(sandboxPath);
  if (path === '/') throw badRequest('"/" is the sandbox root folder, not a file');
  return confined(path, walk(root, path, { create: true }, async (place) => {
    const opened = await openForWrite(place.path);
    if (opened === FOLLOW) return FOLLOW;
    try {
      const stats = await opened.handle.stat();
      if (!stats.isFile()) throw notRegular(path, stats);
      await opened.handle.writeFile(content, 'utf8');
      return { file: fileInfo(path, await opened.handle.stat()), created: opened.created };
    } finally {
      await opened.handle.close();
    }
  }));
}

/** Creates a folder and its missing parents (`mkdir -p`); an existing folder is fine, an existing file is a 400. */
export async function makeFolder(root: string, sandboxPath: string): Promise<FileInfo> {
  const path = sandboxPathOf(sandboxPath);
  return confined(path, walk(root, path, { create: true }, async (place) => {
    const made = await mkdir(place.path).then(() => true, (error: unknown) => onExists(error));
    const stats = await lstat(place.path);
    if (stats.isSymbolicLink()) return FOLLOW;
    if (!made && !stats.isDirectory()) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    return fileInfo(path, stats);
  }));
}

/** Removes a file, a symlink (not its target) or a folder with everything in it. */
export async function removePath(root: string, sandboxPath: string): Promise<void> {
  const path = sandboxPathOf(sandboxPath);
  if (path === '/') throw badRequest('the sandbox root "/" itself cannot be removed');
  try {
    await walk(root, path, {}, (place) => removeEntry(place.folder, place.name));
  } catch (error) {
    // The folder that holds the entry is what leaves the root (the entry itself is never followed).
    if (error instanceof PathEscapeError) throw new PathEscapeError(posix.dirname(path), 'symlink');
    throw fileError(error, path);
  }
}

/** True when the path exists inside the sandbox (as `test -e`: a dangling symlink does not); escapes throw. */
export async function pathExists(root: string, sandboxPath: string): Promise<boolean> {
  try {
    await statPath(root, sandboxPath);
    return true;
  } catch (error) {
    if (error instanceof DaemonError && error.status === 404) return false;
    throw error;
  }
}

/** A 400 for a named pipe, socket or device: only regular files are read and written. */
export function notRegular(path: string, stats: Stats): DaemonError {
  const kind = stats.isFIFO() ? 'a named pipe' : stats.isSocket() ? 'a socket' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'not a file';
  return badRequest(`"${path}" is ${kind}, not a regular file`);
}

/** The walk's result, its errors as the client should see them. */
async function confined<T>(path: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw fileError(error, path);
  }
}

/** Opens a file to write, created (O_EXCL, so that `created` is true only for us) or else truncated. */
async function openForWrite(path: string): Promise<{ handle: FileHandle; created: boolean } | typeof FOLLOW> {
  try {
    return { handle: await open(path, CREATE_FLAGS, 0o644), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const handle = await open(path, REPLACE_FLAGS).catch(onLink);
  return handle === FOLLOW ? FOLLOW : { handle, created: false };
}

// open with O_NOFOLLOW answers ELOOP for a symlink: the walk follows it.
function onLink(error: unknown): typeof FOLLOW {
  if ((error as NodeJS.ErrnoException).code === 'ELOOP') return FOLLOW;
  throw error;
}

// O_DIRECTORY | O_NOFOLLOW answers ENOTDIR for a file and for a symlink alike: only the symlink is followed.
async function symlinkOr(place: Place, error: unknown, notFolder: Error): Promise<typeof FOLLOW> {
  if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
  if ((await lstat(place.path)).isSymbolicLink()) return FOLLOW;
  throw notFolder;
}

function onExists(error: unknown): false {
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
  throw error;
}
