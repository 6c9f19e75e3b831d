// The sandbox's files as the 2.x files API serves them: list, stat, read, write, mkdir, remove, exists.
// Every sandbox path is confined to the root (see confine.ts); replies name sandbox paths, never host paths.
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { posix } from 'node:path';
import type { FileInfo } from '../../contract/wire.js';
import { DaemonError, badRequest } from '../errors.js';
import { resolveConfined } from '../paths.js';
import { normaliseSandboxPath } from '../../contract/paths.js';
import { entryPath, existingPath, fileError, writablePath } from './confine.js';

/** Largest file served by a read: the content goes into one JSON reply held in memory. */
export const MAX_READ_BYTES = 32 * 1024 * 1024;

// O_NOFOLLOW: the path was resolved a moment ago; a symlink put in its place since then is refused, not followed.
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

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
  const path = normaliseSandboxPath(sandboxPath);
  const host = await existingPath(root, path);
  try {
    if (!(await stat(host)).isDirectory()) throw badRequest(`"${path}" is not a folder`);
    const names = (await readdir(host)).sort();
    const files: FileInfo[] = [];
    for (const name of names) {
      const entry = await lstat(join(host, name)).catch(() => undefined);
      // An entry removed between readdir and lstat is simply not listed.
      if (entry) files.push(fileInfo(posix.join(path, name), entry));
    }
    return { path, files };
  } catch (error) {
    throw fileError(error, path);
  }
}

/** The FileInfo of an existing file or folder (through symlinks that stay in the root). */
export async function statPath(root: string, sandboxPath: string): Promise<FileInfo> {
  const path = normaliseSandboxPath(sandboxPath);
  const host = await existingPath(root, path);
  try {
    return fileInfo(path, await stat(host));
  } catch (error) {
    throw fileError(error, path);
  }
}

/** A file's content as UTF-8, with its FileInfo; 400 for a folder, 413 past MAX_READ_BYTES. */
export async function readText(root: string, sandboxPath: string, maxBytes = MAX_READ_BYTES): Promise<{ file: FileInfo; content: string }> {
  const path = normaliseSandboxPath(sandboxPath);
  const host = await existingPath(root, path);
  try {
    const handle = await open(host, READ_FLAGS);
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw badRequest(`"${path}" is a folder: list it with GET /files?path=${encodeURIComponent(path)}`);
      if (stats.size > maxBytes) throw new DaemonError(413, `"${path}" is ${stats.size} bytes, more than the ${maxBytes} a read returns`);
      return { file: fileInfo(path, stats), content: (await handle.readFile()).toString('utf8') };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileError(error, path);
  }
}

/** Creates or replaces a file (and its missing parent folders) with UTF-8 content; `created` tells which. */
export async function writeText(root: string, sandboxPath: string, content: string): Promise<{ file: FileInfo; created: boolean }> {
  const path = normaliseSandboxPath(sandboxPath);
  if (path === '/') throw badRequest('"/" is the sandbox root folder, not a file');
  const host = await writablePath(root, path);
  try {
    const existed = await lstat(host).then(() => true, () => false);
    await mkdir(dirname(host), { recursive: true });
    const handle = await open(host, WRITE_FLAGS, 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      return { file: fileInfo(path, await handle.stat()), created: !existed };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileError(error, path);
  }
}

/** Creates a folder and its missing parents (`mkdir -p`); an existing folder is fine, an existing file is a 400. */
export async function makeFolder(root: string, sandboxPath: string): Promise<FileInfo> {
  const path = normaliseSandboxPath(sandboxPath);
  try {
    const host = await resolveConfined(root, path);
    await mkdir(host, { recursive: true });
    return fileInfo(path, await stat(host));
  } catch (error) {
    throw fileError(error, path);
  }
}

/** Removes a file, a symlink (not its target) or a folder with everything in it. */
export async function removePath(root: string, sandboxPath: string): Promise<void> {
  const path = normaliseSandboxPath(sandboxPath);
  const host = await entryPath(root, path);
  try {
    await rm(host, { recursive: true, force: false });
  } catch (error) {
    throw fileError(error, path);
  }
}

/** True when the path exists inside the sandbox (as `test -e`: a dangling symlink does not); escapes throw. */
export async function pathExists(root: string, sandboxPath: string): Promise<boolean> {
  try {
    await existingPath(root, sandboxPath);
    return true;
  } catch (error) {
    if (error instanceof DaemonError && error.status === 404) return false;
    throw error;
  }
}
