// Where a sandbox path lands on the host, for each kind of file operation, without ever leaving the sandbox root.
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DaemonError, badRequest, notFound } from '../errors.js';
import { resolveConfined } from '../paths.js';
import { isInside, normaliseSandboxPath, PathEscapeError } from '../../contract/paths.js';

// As the kernel's limit on symlinks in one lookup (ELOOP), so that a loop of dangling links ends.
const MAX_LINK_HOPS = 40;

/** The host path of an entry that exists, with every symlink resolved inside the root; 404 when it does not exist. */
export async function existingPath(root: string, sandboxPath: string): Promise<string> {
  try {
    const host = await resolveConfined(root, sandboxPath);
    // resolveConfined resolved every link that has a target, so a link left here is dangling: nothing to read.
    if ((await lstat(host)).isSymbolicLink()) throw notFound(`"${normaliseSandboxPath(sandboxPath)}" is a symlink to nothing`);
    return host;
  } catch (error) {
    throw fileError(error, sandboxPath);
  }
}

/**
 * The host path of the entry itself (a symlink is not followed), its folder confined; for removing an entry, where
 * a link must go, not its target. 404 when it does not exist; 400 for the sandbox root itself.
 */
export async function entryPath(root: string, sandboxPath: string): Promise<string> {
  const normal = normaliseSandboxPath(sandboxPath);
  if (normal === '/') throw badRequest('the sandbox root "/" itself cannot be removed');
  try {
    const host = join(await resolveConfined(root, dirnameOf(normal)), basename(normal));
    await lstat(host);
    return host;
  } catch (error) {
    throw fileError(error, sandboxPath);
  }
}

/**
 * The host path to create or replace a file at. A dangling symlink on the way is followed only while its target
 * stays inside the root: writing through it would otherwise create a file outside the sandbox.
 */
export async function writablePath(root: string, sandboxPath: string): Promise<string> {
  try {
    const realRoot = await realpath(root);
    let current = sandboxPath;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const host = await resolveConfined(root, current);
      const link = await danglingLink(host);
      if (link === undefined) return host;
      const target = resolve(dirname(host), link);
      if (!isInside(realRoot, target)) throw new PathEscapeError(sandboxPath, 'symlink');
      current = `/${relative(realRoot, target).split(sep).join('/')}`;
    }
    throw badRequest(`"${normaliseSandboxPath(sandboxPath)}": too many levels of symbolic links`);
  } catch (error) {
    throw fileError(error, sandboxPath);
  }
}

async function danglingLink(host: string): Promise<string | undefined> {
  try {
    const stats = await lstat(host);
    return stats.isSymbolicLink() ? await readlink(host) : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function dirnameOf(normal: string): string {
  const slash = normal.lastIndexOf('/');
  return slash <= 0 ? '/' : normal.slice(0, slash);
}

/** A file system error as the DaemonError a client should see, naming the sandbox path (never the host path). */
export function fileError(error: unknown, sandboxPath: string): unknown {
  if (error instanceof DaemonError || error instanceof PathEscapeError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const where = `"${normaliseSandboxPath(sandboxPath)}"`;
  switch (code) {
    case 'ENOENT':
      return notFound(`no such file or folder: ${where}`);
    case 'ENOTDIR':
      return badRequest(`${where}: a part of the path is a file, not a folder`);
    case 'EISDIR':
      return badRequest(`${where} is a folder`);
    case 'EEXIST':
      return badRequest(`${where} already exists and is not a folder`);
    case 'ELOOP':
      return badRequest(`${where}: a symlink loop, or a symlink where a file was expected`);
    case 'EACCES':
    case 'EPERM':
      return new DaemonError(403, `${where}: permission denied`);
    default:
      return error;
  }
}
