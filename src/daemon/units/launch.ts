// Turning a unit spec into a spawned process: working folder, user, environment, port, output files.
import { closeSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { UnitSpec } from '../../model/unit.js';
import { PathEscapeError, resolveConfined, sandboxToHost } from '../paths.js';
import type { RunnerDeps } from './deps.js';
import { lookupUser, readEnvFile, unitEnvironment, type PasswdEntry } from './env.js';
import { spawnUnitProcess, SpawnError, type UnitProcess } from './process.js';

/** Where and as whom a unit runs, resolved once per start (install and every restart share it). */
export interface LaunchContext {
  cwd: string;
  user?: PasswdEntry;
  envFile: Record<string, string>;
}

/** Resolves the unit's working folder (must exist inside the sandbox), its user and its env_file. Throws SpawnError. */
export async function prepareLaunch(spec: UnitSpec, root: string): Promise<LaunchContext> {
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

/** Spawns `command` for the unit with its environment (and PORT), its output going into the unit's log spools. */
export async function launch(
  spec: UnitSpec,
  command: string | string[],
  context: LaunchContext,
  deps: Pick<RunnerDeps, 'logs' | 'sandboxId'>,
  port: number | undefined,
): Promise<UnitProcess> {
  const env = unitEnvironment({
    inherited: process.env,
    envFile: context.envFile,
    spec: spec.env,
    sandboxId: deps.sandboxId,
    unit: spec.name,
    ...(port === undefined ? {} : { port }),
    ...(context.user ? { user: context.user } : {}),
  });
  const spool = await deps.logs.openSpool(spec.name);
  try {
    return await spawnUnitProcess({
      command,
      cwd: context.cwd,
      env,
      stdout: spool.stdout,
      stderr: spool.stderr,
      ...(context.user ? { uid: context.user.uid, gid: context.user.gid } : {}),
    });
  } finally {
    // The child holds its own copies of the descriptors; the daemon must not keep the files open.
    closeSync(spool.stdout);
    closeSync(spool.stderr);
  }
}
