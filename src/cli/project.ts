// A project as the commands see it: its validated Spec, where its sandbox lives, and its daemon.
import { join, resolve } from 'node:path';
import type { Spec } from '../config/index.js';
import { ensureLocalDaemon, findLocalDaemon, type SandboxClient } from '../sdk/index.js';
import { loadChecked } from './commands/validate.js';
import { CLIError, EXIT } from './errors.js';
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

/** A loaded project. */
export interface Project extends ProjectPaths {
  spec: Spec;
}

/** The options every project command takes. */
export interface ProjectOptions {
  file?: string[];
  'state-dir'?: string;
}

/** Loads and checks the compose files (errors are printed, then CLIError exit 2) and works out the project's paths. */
export async function loadProject(options: ProjectOptions, io: CliIO): Promise<Project> {
  const result = await loadChecked(options.file ?? [], io);
  if (!result.spec) throw new CLIError(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'} in the config`, EXIT.usage);
  return { spec: result.spec, ...projectPaths(result.spec, options['state-dir'], io) };
}

/** The paths of a project: --state-dir wins over COMPUTE_STATE_DIR, which wins over `.compute/` beside the file. */
export function projectPaths(spec: Spec, stateDirOption: string | undefined, io: Pick<CliIO, 'env' | 'cwd'>): ProjectPaths {
  const chosen = stateDirOption ?? io.env.COMPUTE_STATE_DIR;
  const dir = chosen ? resolve(io.cwd, chosen) : join(spec.projectDir, '.compute');
  // config/ resolved sandbox.root against the file that wrote it.
  const root = spec.sandbox.root ?? join(dir, 'root');
  return { dir, root, stateDir: join(dir, 'state'), lockPath: join(dir, 'apply.lock') };
}

/** Connects to the project's daemon, starting it when `start` is set; undefined when it is not running and not started. */
export async function connectProject(project: ProjectPaths & { spec?: Spec }, start: true): Promise<SandboxClient>;
export async function connectProject(project: ProjectPaths & { spec?: Spec }, start: false): Promise<SandboxClient | undefined>;
export async function connectProject(project: ProjectPaths & { spec?: Spec }, start: boolean): Promise<SandboxClient | undefined> {
  const provider = project.spec?.sandbox.provider ?? 'local';
  if (provider !== 'local') throw new CLIError(`sandbox provider "${provider}" is not supported yet; use provider: local`, EXIT.usage);
  if (!start) return findLocalDaemon(project.stateDir, project.root);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(project.root, { recursive: true });
  return ensureLocalDaemon({ root: project.root, stateDir: project.stateDir });
}

/** Throws a usage error naming every unit in `names` that the project does not define. */
export function checkUnitNames(spec: Spec, names: string[]): void {
  const unknown = names.filter((name) => !(name in spec.units));
  if (unknown.length > 0) throw unknownUnitsError(unknown, Object.keys(spec.units).sort());
}

/** The usage error for unit names a project does not have, listing the ones it has. */
export function unknownUnitsError(unknown: string[], known: string[]): CLIError {
  return new CLIError(`no such unit: ${unknown.join(', ')} (the project has ${known.join(', ') || 'none'})`, EXIT.usage);
}
