// Confinement of sandbox paths to the sandbox root: `/app` is ROOT/app, and nothing may leave ROOT.
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, posix, sep } from 'node:path';

/** A sandbox path that would leave the sandbox root (by `..` or through a symlink). */
export class PathEscapeError extends Error {
  constructor(readonly sandboxPath: string, how: 'dots' | 'symlink') {
    super(
      how === 'dots'
        ? `path "${sandboxPath}" escapes the sandbox root`
        : `path "${sandboxPath}" leaves the sandbox root through a symlink`,
    );
    this.name = 'PathEscapeError';
  }
}

/** Normalises a sandbox path to an absolute posix path; relative paths are taken from `/`. Throws if `..` climbs above `/`. */
export function normaliseSandboxPath(sandboxPath: string): string {
  const parts: string[] = [];
  for (const segment of sandboxPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) throw new PathEscapeError(sandboxPath, 'dots');
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  return posix.join('/', ...parts);
}

/** Maps a sandbox path to its host path under `root`, lexically (no file system access). */
export function sandboxToHost(root: string, sandboxPath: string): string {
  return join(root, normaliseSandboxPath(sandboxPath));
}

/** True when `hostPath` is `root` or lies inside it. */
export function isInside(root: string, hostPath: string): boolean {
  return hostPath === root || hostPath.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Maps a sandbox path to its host path and checks, through symlinks, that the longest existing part of it stays
 * inside the sandbox root. The path itself need not exist (so it can be created).
 */
export async function resolveConfined(root: string, sandboxPath: string): Promise<string> {
  const hostPath = sandboxToHost(root, sandboxPath);
  const realRoot = await realpath(root);
  let existing = hostPath;
  let rest = '';
  for (;;) {
    try {
      const real = await realpath(existing);
      if (!isInside(realRoot, real)) throw new PathEscapeError(sandboxPath, 'symlink');
      return rest ? join(real, rest) : real;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || existing === root) throw error;
      rest = rest ? join(basename(existing), rest) : basename(existing);
      existing = dirname(existing);
    }
  }
}
