// Sandbox path rules: `/app` is ROOT/app, `..` never climbs above `/`, and unit names that name files.
import { join, posix, sep } from 'node:path';

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

/** What a unit name may be: it names files in the state folder and URLs, so letters, digits, `.`, `_`, `-`. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';
