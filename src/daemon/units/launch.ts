// Turning a unit spec into a spawned process: working folder, user, environment, port, output files.
import { closeSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { UnitSpec } from '../../contract/unit.js';
import { resolveConfined } from '../paths.js';
import { PathEscapeError, sandboxToHost } from '../../contract/paths.js';
import type { RunnerDeps } from './deps.js';
import { PHASE_MARKER } from '../../contract/markers.js';
import type { UnitPlace } from '../../contract/wire.js';
import { commandEnvironmentOf, lookupUser, readEnvFile, unitEnvironment, type PasswdEntry, type Phase } from './env.js';
import { spawnUnitProcess, SpawnError, type UnitProcess } from './process.js';

/** Where, as whom and with which environment (PORT aside) a unit runs; resolved once per start. */
export interface LaunchContext {
  cwd: string;
  user?: PasswdEntry;
  env: Record<string, string>;
}

// The unit's host working folder (it must exist inside the sandbox), its user and its env_file's variables. Throws SpawnError.
async function resolvePlace(spec: UnitSpec, root: string): Promise<{ cwd: string; user?: PasswdEntry; envFile: Record<string, string> }> {
  let cwd: string;
  try {
    cwd = await resolveConfined(root, spec.cwd);
  } catch (error) {
    if (error instanceof PathEscapeError) throw new SpawnError(error.message);
    throw error;
  }
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) throw new SpawnError(`working directory ${spec.cwd} does not exist in the sandbox (${cwd})`);
  let user: PasswdEntry | undefined;
  if (spec.user !== undefined) {
    user = lookupUser(spec.user);
    if (!user) throw new SpawnError(`user "${spec.user}" does not exist`);
  }
  let envFile: Record<string, string> = {};
  if (spec.envFile !== undefined) {
    const hostPath = spec.envFile.startsWith('/') ? sandboxToHost(root, spec.envFile) : `${cwd}/${spec.envFile}`;
    envFile = await readEnvFile(hostPath).catch((error: NodeJS.ErrnoException) => {
      throw new SpawnError(`env_file ${spec.envFile}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
  }
  return { cwd, envFile, ...(user ? { user } : {}) };
}

/** Resolves the unit's working folder (must exist inside the sandbox), its user and its environment. Throws SpawnError. */
export async function prepareLaunch(spec: UnitSpec, root: string, sandboxId: string): Promise<LaunchContext> {
  const { cwd, user, envFile } = await resolvePlace(spec, root);
  const env = unitEnvironment({ inherited: process.env, envFile, spec: spec.env, sandboxId, unit: spec.name, hash: spec.hash, ...(user ? { user } : {}) });
  return { cwd, env, ...(user ? { user } : {}) };
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
  try {
    const process = await spawnUnitProcess({
      command,
      cwd: context.cwd,
      env,
      stdout: spool.stdout,
      stderr: spool.stderr,
      ...(context.user ? { uid: context.user.uid, gid: context.user.gid } : {}),
      ...(cgroup ? { cgroup } : {}),
    }, phase);
    if (cgroup && !process.cgroup) deps.log.warn({ unit: spec.name, cgroup: cgroup.path }, 'could not start the process in its cgroup; it is tracked by its process group only');
    return process;
  } finally {
    // The child holds its own copies of the descriptors; the daemon must not keep the files open.
    closeSync(spool.stdout);
    closeSync(spool.stderr);
  }
}
