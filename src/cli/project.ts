// A project as the commands see it: its validated Spec, where its sandbox lives, and its daemon.
import type { Spec } from '../config/index.js';
import { baseOf } from '../contract/replicas.js';
import type { SandboxClient, StartedDaemon } from '../sdk/index.js';
import { loadChecked } from './commands/validate.js';
import { CLIError, EXIT } from './errors.js';
import { openHost } from './host.js';
import type { CliIO } from './io.js';
import { sandboxPaths, type ProjectPaths } from './paths.js';

export type { ProjectPaths };

/** A loaded project. */
export interface Project extends ProjectPaths {
  spec: Spec;
}

/** The options every project command takes. */
export interface ProjectOptions {
  file?: string[];
  /** `--profile NAME`, repeatable: units of these profiles are active (COMPUTE_PROFILES adds to them). */
  profile?: string[];
  'state-dir'?: string;
}

/**
 * Loads and checks the compose files (errors are printed, then CLIError exit 2) and works out the project's paths.
 * `targets` are the units named on the command line: their profiles are active. `scale` overrides `replicas`.
 */
export async function loadProject(options: ProjectOptions, io: CliIO, targets: string[] = [], scale?: Record<string, number>): Promise<Project> {
  const result = await loadChecked(options.file ?? [], io, { profiles: options.profile ?? [], targets, ...(scale ? { scale } : {}) });
  if (!result.spec) throw new CLIError(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'} in the config`, EXIT.usage);
  return { spec: result.spec, ...projectPaths(result.spec, options['state-dir'], io) };
}

/** The paths of a loaded project (see sandboxPaths for which option wins). */
export function projectPaths(spec: Spec, stateDirOption: string | undefined, io: Pick<CliIO, 'env' | 'cwd'>): ProjectPaths {
  return sandboxPaths(spec.projectDir, spec.sandbox.root, stateDirOption, io);
}

/**
 * Connects to the project's daemon (local, or the agent in its provider sandbox), starting it when `start` is set (or
 * waiting for `early`, a local one already started for it); undefined when it is not running and not started.
 */
export async function connectProject(project: ProjectPaths & { spec?: Spec }, start: true, early?: StartedDaemon, io?: Pick<CliIO, 'stderr'>): Promise<SandboxClient>;
export async function connectProject(project: ProjectPaths & { spec?: Spec }, start: false, early?: undefined, io?: Pick<CliIO, 'stderr'>): Promise<SandboxClient | undefined>;
export async function connectProject(project: ProjectPaths & { spec?: Spec }, start: boolean, early?: StartedDaemon, io: Pick<CliIO, 'stderr'> = STDERR): Promise<SandboxClient | undefined> {
  const target = { ...(project.spec ? { sandbox: project.spec.sandbox } : {}), projectDir: project.spec?.projectDir ?? project.dir, dir: project.dir, stateDir: project.stateDir, root: project.root };
  return openHost(target, start ? 'sandbox' : 'find', io, early);
}

const STDERR = { stderr: (text: string) => void process.stderr.write(text) };

/** Throws a usage error naming every unit in `names` that the project does not define (`web` of web-1 … is defined). */
export function checkUnitNames(spec: Spec, names: string[]): void {
  const units = Object.values(spec.units);
  const known = new Set([...units.map((unit) => unit.name), ...units.map(baseOf), ...Object.keys(spec.replicas ?? {})]);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) throw unknownUnitsError(unknown, [...known].sort());
}

/** The usage error for unit names a project does not have, listing the ones it has. */
export function unknownUnitsError(unknown: string[], known: string[]): CLIError {
  return new CLIError(`no such unit: ${unknown.join(', ')} (the project has ${known.join(', ') || 'none'})`, EXIT.usage);
}
