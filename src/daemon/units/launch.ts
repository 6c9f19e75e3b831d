// Turning a unit spec into a spawned process: working folder, user, environment, port, output files.
import { closeSync } from 'node:fs';
import { posix, relative } from 'node:path';
import { realpath } from 'node:fs/promises';
import type { UnitSpec } from '../../contract/unit.js';
import { PathEscapeError } from '../../contract/paths.js';
import { DaemonError } from '../errors.js';
import { openFolder, type HeldFolder } from '../files/folder.js';
import { readText } from '../files/ops.js';
import type { RunnerDeps } from './deps.js';
import { PHASE_MARKER } from '../../contract/markers.js';
import { commandEnvironmentOf } from '../../contract/environment.js';
import type { UnitPlace } from '../../contract/wire.js';
import { lookupUser, parseEnvText, unitEnvironment, type PasswdEntry, type Phase } from './env.js';
import { spawnUnitProcess, SpawnError, type UnitProcess } from './process.js';

/** Where, as whom and with which environment (PORT aside) a unit runs; resolved once per start. */
export interface LaunchContext {
  /** The working folder's host path when it was checked (for messages; processes start in openCwd's folder). */
  cwd: string;
  /**
   * Opens the working folder for one spawn: the process is given its /proc/self/fd path as cwd, so a folder swapped
   * for a symlink after the check cannot start it outside the sandbox (issue 13). Close it once the spawn returned.
   */
  openCwd: () => Promise<HeldFolder>;
  user?: PasswdEntry;
  env: Record<string, string>;
}

// The unit's working folder (its real host path, and how to open it again), its user and its env_file's variables.
async function resolvePlace(spec: UnitSpec, root: string): Promise<{ cwd: string; openCwd: () => Promise<HeldFolder>; user?: PasswdEntry; envFile: Record<string, string> }> {
  const openCwd = () => openWorkingFolder(root, spec.cwd);
  const folder = await openCwd();
  let envFile: Record<string, string> = {};
  try {
    if (spec.envFile !== undefined) envFile = await readUnitEnvFile(root, spec.envFile, folder);
  } finally {
    folder.close();
  }
  let user: PasswdEntry | undefined;
  if (spec.user !== undefined) {
    user = lookupUser(spec.user);
    if (!user) throw new SpawnError(`user "${spec.user}" does not exist`);
  }
  return { cwd: folder.real, openCwd, envFile, ...(user ? { user } : {}) };
}

/** Resolves the unit's working folder (must exist inside the sandbox), its user and its environment. Throws SpawnError. */
export async function prepareLaunch(spec: UnitSpec, root: string, sandboxId: string): Promise<LaunchContext> {
  const { cwd, openCwd, user, envFile } = await resolvePlace(spec, root);
  const env = unitEnvironment({ inherited: process.env, envFile, spec: spec.env, sandboxId, unit: spec.name, hash: spec.hash, ...(user ? { user } : {}) });
  return { cwd, openCwd, env, ...(user ? { user } : {}) };
}

/**
 * Where and how a command run in the unit's place starts (`compute exec`): the unit's folder and user, and its
 * process's environment with its PORT but without the markers that would make the command one of the unit's
 * processes (adopted after a daemon restart, ended with the unit). Throws SpawnError.
 */
export async function placeOf(spec: UnitSpec, root: string, port: number | undefined): Promise<UnitPlace> {
  const { cwd, user, envFile } = await resolvePlace(spec, root);
  const env = commandEnvironmentOf({ inherited: process.env, envFile, spec: spec.env, ...(user ? { user } : {}) });
  if (port !== undefined) env.PORT = String(port);
  return { cwd, env, ...(user ? { uid: user.uid, gid: user.gid } : {}) };
}

/** The unit's working folder, opened inside the sandbox; a SpawnError when it is missing, a file, or leaves the root. */
async function openWorkingFolder(root: string, cwd: string): Promise<HeldFolder> {
  try {
    return await openFolder(root, cwd);
  } catch (error) {
    if (error instanceof PathEscapeError) throw new SpawnError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') throw new SpawnError(`working directory ${cwd} does not exist in the sandbox`);
    throw error;
  }
}

/**
 * The variables of the unit's env_file, read through the files API's walk (so a symlink cannot lead the read out of
 * the sandbox) and refused unless it is a regular file (a named pipe would block the start forever). A relative
 * path is taken from the working folder as it really is (its host path, through any symlink that led to it).
 */
async function readUnitEnvFile(root: string, envFile: string, cwd: HeldFolder): Promise<Record<string, string>> {
  const from = posix.join('/', relative(await realpath(root), cwd.real));
  const path = envFile.startsWith('/') ? envFile : posix.join(from, envFile);
  try {
    return parseEnvText((await readText(root, path)).content);
  } catch (error) {
    if (error instanceof DaemonError && error.status === 404) throw new SpawnError(`env_file ${envFile}: no such file`);
    throw new SpawnError(`env_file ${envFile}: ${(error as Error).message}`, { cause: error });
  }
}

/** The environment of one process of the unit: the context's, plus PORT and the phase marker. */
export function processEnvironment(context: LaunchContext, phase: Phase, port: number | undefined): Record<string, string> {
  return { ...context.env, ...(port === undefined ? {} : { PORT: String(port) }), [PHASE_MARKER]: phase };
}

/** Spawns `command` for the unit with its environment (and PORT), its output going into the unit's log spools. */
export async function launch(
  spec: UnitSpec,
  command: string | string[],
  context: LaunchContext,
  deps: Pick<RunnerDeps, 'logs' | 'cgroups' | 'log'>,
  phase: Phase,
  port: number | undefined,
): Promise<UnitProcess> {
  const env = processEnvironment(context, phase, port);
  const spool = await deps.logs.openSpool(spec.name);
  const cgroup = deps.cgroups?.unit(spec.name);
  let cwd: HeldFolder | undefined;
  try {
    cwd = await context.openCwd();
    const process = await spawnUnitProcess({
      command,
      cwd: cwd.path,
      env,
      stdout: spool.stdout,
      stderr: spool.stderr,
      ...(context.user ? { uid: context.user.uid, gid: context.user.gid } : {}),
      ...(cgroup ? { cgroup } : {}),
    }, phase);
    if (cgroup && !process.cgroup) deps.log.warn({ unit: spec.name, cgroup: cgroup.path }, 'could not start the process in its cgroup; it is tracked by its process group only');
    return process;
  } finally {
    // The child holds its own copies of the descriptors (it chdir()ed through the folder's before its exec); the
    // daemon must not keep the files open.
    cwd?.close();
    closeSync(spool.stdout);
    closeSync(spool.stderr);
  }
}
