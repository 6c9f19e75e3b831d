// Confinement of sandbox paths to the sandbox root on the host, through symlinks (the pure rules are in contract/paths).
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isInside, PathEscapeError, sandboxToHost } from '../contract/paths.js';

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
