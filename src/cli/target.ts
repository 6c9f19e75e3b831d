// The project a command acts on, found even when its compose file is broken (down, ps and logs must still work:
// a broken file is no reason to leave processes running), and the connection to its daemon.
import { dirname } from 'node:path';
import { ComposeFileError, loadConfig, resolveComposeFiles, type Diagnostic, type Spec } from '../config/index.js';
import { formatDiagnostics } from '../config/report.js';
import { expandNames } from '../contract/replicas.js';
import { PROJECT_LABEL, type UnitState } from '../contract/unit.js';
import { readDaemonInfo, stateFilePath, stateFileRecordsRunningUnits } from '../contract/discovery.js';
import { ensureLocalDaemon, findLocalDaemon, SandboxApiError, type SandboxClient } from '../sdk/index.js';
import { CLIError, EXIT } from './errors.js';
import { openHost, providerOf, type HostTarget } from './host.js';
import type { CliIO } from './io.js';
import { sandboxPaths } from './paths.js';
import { loadProject, projectPaths, unknownUnitsError, type ProjectOptions } from './project.js';
import { projectUnits, unitOrder } from './output/units.js';

/** Where a project's daemon is, and what is known of the project. */
export interface ProjectTarget {
  /** The validated config; undefined when the file is broken (then the daemon's units stand in for it). */
  spec?: Spec;
  /** The project's name, from the config. */
  name?: string;
  /** The `name:` of a broken file, when it could be read: preferred among the projects the daemon holds. */
  nameHint?: string;
  stateDir: string;
  /** The `.compute` folder (or --state-dir) and the folder of the first compose file (a provider is imported from it). */
  dir: string;
  projectDir: string;
  /** The sandbox root, when the config could be read (a daemon serving another root is then refused). */
  root?: string;
  /** Why no compose file could be read (lenient only): a usage error unless the project's daemon is found anyway. */
  fileError?: string;
}

/** Loads the project; with `lenient`, config errors are printed as warnings and the state folder is used anyway. */
export async function findTarget(options: ProjectOptions, io: CliIO, lenient: boolean): Promise<ProjectTarget> {
  const files = options.file ?? [];
  let firstFile: string;
  try {
    firstFile = resolveComposeFiles(files, io.cwd)[0] as string;
  } catch (error) {
    if (!(error instanceof ComposeFileError)) throw error;
    if (!lenient) throw new CLIError(error.message, EXIT.usage);
    return { ...fallbackPaths(error.path, options, io), fileError: error.message };
  }
  if (!lenient) {
    const project = await loadProject(options, io);
    return { spec: project.spec, name: project.spec.name, stateDir: project.stateDir, dir: project.dir, projectDir: project.spec.projectDir, root: project.root };
  }
  // No restart hashes: the lenient commands (ps, logs, down, exec, top, events, sandbox) never compare units.
  const result = await loadConfig({ files, cwd: io.cwd, env: io.env, profiles: options.profile ?? [], restartHashes: false });
  io.stderr(formatDiagnostics(result.warnings, io.cwd));
  if (result.spec) {
    const paths = projectPaths(result.spec, options['state-dir'], io);
    return { spec: result.spec, name: result.spec.name, stateDir: paths.stateDir, dir: paths.dir, projectDir: result.spec.projectDir, root: paths.root };
  }
  io.stderr(`compute: warning: the config has errors; acting on the project's units as its daemon knows them\n`);
  io.stderr(formatDiagnostics(result.errors.map(asWarning), io.cwd));
  const declared = result.resolved?.name;
  return { ...fallbackPaths(firstFile, options, io), ...(typeof declared === 'string' ? { nameHint: declared } : {}) };
}

function asWarning(diagnostic: Diagnostic): Diagnostic {
  return { ...diagnostic, severity: 'warning' };
}

// The state folder projectPaths picks, without a Spec (a config with errors has no sandbox.root to read).
function fallbackPaths(firstFile: string, options: ProjectOptions, io: Pick<CliIO, 'env' | 'cwd'>): { stateDir: string; dir: string; projectDir: string } {
  const { stateDir, dir } = sandboxPaths(dirname(firstFile), undefined, options['state-dir'], io);
  return { stateDir, dir, projectDir: dirname(firstFile) };
}

/**
 * Connects to the target's daemon if it runs; undefined when it does not. Connection problems exit 1 with one line.
 * With `takeOver`, a daemon that died leaving units running is replaced first (see startSuccessor).
 * Without a compose file, only a running daemon makes the command worth doing; else the file's error stands (exit 2).
 */
export async function connectTarget(target: ProjectTarget, io: CliIO, takeOver = false): Promise<SandboxClient | undefined> {
  let client: SandboxClient | undefined;
  const host = hostTargetOf(target);
  if (providerOf(host) !== 'local') {
    // A provider sandbox: its agent is started again when it died (it adopts the units its state file records).
    client = await openHost(host, takeOver ? 'agent' : 'find', io);
  } else {
    try {
      client = await findLocalDaemon(target.stateDir, target.root);
      if (!client && takeOver) client = await startSuccessor(target, io);
    } catch (error) {
      throw asCLIError(error);
    }
  }
  if (target.fileError !== undefined) {
    if (!client) throw new CLIError(target.fileError, EXIT.usage);
    io.stderr(`compute: warning: ${target.fileError}; using the sandbox in ${target.stateDir}\n`);
  }
  return client;
}

/** The target as the host interface sees it. */
export function hostTargetOf(target: ProjectTarget): HostTarget {
  return { ...(target.spec ? { sandbox: target.spec.sandbox } : {}), projectDir: target.projectDir, dir: target.dir, stateDir: target.stateDir, root: target.root ?? '' };
}

/**
 * Starts a daemon in place of one that died with units running (its state file records them as running): the new
 * daemon adopts them, so that `ps` shows them and `down` ends them, instead of "not created" and "nothing to do"
 * while they run on. Undefined when nothing is recorded as running, or the sandbox root is unknown.
 */
async function startSuccessor(target: ProjectTarget, io: CliIO): Promise<SandboxClient | undefined> {
  if (!stateFileRecordsRunningUnits(stateFilePath(target.stateDir))) return undefined;
  const root = target.root ?? readDaemonInfo(target.stateDir)?.root;
  if (root === undefined) return undefined;
  io.stderr(`compute: the project's daemon is not running, but its state records running units; started a new daemon, which takes them over\n`);
  return ensureLocalDaemon({ root, stateDir: target.stateDir });
}

/** A daemon error as a one-line CLI error (exit 1); anything else unchanged. */
export function asCLIError(error: unknown): unknown {
  return error instanceof SandboxApiError ? new CLIError(error.message, EXIT.failed, { cause: error }) : error;
}

/**
 * The name of the project whose units to act on. Known from the config; for a broken file, its `name:` when the
 * daemon holds units of that project, else the one project the daemon holds units of. Several projects in one
 * daemon cannot be told apart: exit 2.
 */
export function targetName(target: Pick<ProjectTarget, 'name' | 'nameHint' | 'stateDir'>, units: readonly UnitState[]): string | undefined {
  if (target.name !== undefined) return target.name;
  const projects = [...new Set(units.flatMap((unit) => unit.spec.labels[PROJECT_LABEL] ?? []))].sort();
  if (target.nameHint !== undefined && projects.includes(target.nameHint)) return target.nameHint;
  if (projects.length <= 1) return projects[0];
  throw new CLIError(`the sandbox holds units of several projects (${projects.join(', ')}); fix the config so its name can be read`, EXIT.usage);
}

/**
 * The units a command acts on, in start order: the named ones (a replicated unit's name: its replicas), or every unit
 * of the project the daemon has when none is named. A name neither the file nor the daemon knows is exit 2; so is one the daemon does not have yet,
 * unless `skipMissing` (stop: a unit never created is already not running).
 */
export function selectUnits(spec: Pick<Spec, 'units'> | undefined, ours: readonly UnitState[], given: readonly string[], skipMissing = false): string[] {
  const existing = new Set(ours.map((unit) => unit.name));
  const order = unitOrder(spec, ours).filter((name) => existing.has(name));
  if (given.length === 0) return order;
  // `web` stands for its replicas, those the file asks for and those that run (after `compute scale`).
  const names = expandNames([...Object.values(spec?.units ?? {}), ...ours.map((unit) => unit.spec)], given);
  const unknown = names.filter((name) => !existing.has(name) && !(spec && name in spec.units));
  if (unknown.length > 0) throw unknownUnitsError(unknown, unitOrder(spec, ours));
  const missing = skipMissing ? [] : names.filter((name) => !existing.has(name));
  if (missing.length === 1) throw new CLIError(`unit ${missing[0]} does not exist yet: run compute up`, EXIT.usage);
  if (missing.length > 1) throw new CLIError(`units ${missing.join(', ')} do not exist yet: run compute up`, EXIT.usage);
  const wanted = new Set(names);
  return order.filter((name) => wanted.has(name));
}

/** The daemon's units, and those of the target's project among them. Daemon errors exit 1 with one line. */
export async function readUnits(target: ProjectTarget, client: SandboxClient): Promise<{ all: UnitState[]; ours: UnitState[]; name?: string }> {
  let all: UnitState[];
  try {
    all = await client.units();
  } catch (error) {
    throw asCLIError(error);
  }
  const name = targetName(target, all);
  return { all, ours: name === undefined ? [] : projectUnits(all, name), ...(name === undefined ? {} : { name }) };
}
