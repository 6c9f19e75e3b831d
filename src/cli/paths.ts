// Where a project's local sandbox lives. Free of the config loader, so that a command can work the paths out from the
// compose file's location before (or without) loading it.
import { join, resolve } from 'node:path';
import type { CliIO } from './io.js';

/** Where a project's local sandbox lives: `.compute/` beside the first compose file, unless overridden. */
export interface ProjectPaths {
  /** The `.compute` folder (or --state-dir / COMPUTE_STATE_DIR). */
  dir: string;
  /** The sandbox's file system root: `sandbox.root`, else `<dir>/root`. */
  root: string;
  /** The daemon's state folder: socket, state file, logs. */
  stateDir: string;
  /** The lock that keeps applies of this project one at a time. */
  lockPath: string;
}

/**
 * The paths of a project whose first compose file is in `projectDir`: --state-dir wins over COMPUTE_STATE_DIR, which
 * wins over `.compute/` beside the file; the root is `sandboxRoot` (already resolved by config/) or `<dir>/root`.
 */
export function sandboxPaths(projectDir: string, sandboxRoot: string | undefined, stateDirOption: string | undefined, io: Pick<CliIO, 'env' | 'cwd'>): ProjectPaths {
  const chosen = stateDirOption ?? io.env.COMPUTE_STATE_DIR;
  const dir = chosen ? resolve(io.cwd, chosen) : join(projectDir, '.compute');
  return { dir, root: sandboxRoot ?? join(dir, 'root'), stateDir: join(dir, 'state'), lockPath: join(dir, 'apply.lock') };
}
