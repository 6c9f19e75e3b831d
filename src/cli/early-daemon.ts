// Starting a project's daemon while `compute up` still reads the config, so that the two Node start-ups overlap
// (a cold up of 100 units: ~750 ms -> ~680 ms). Only where that cannot touch anything that runs: see startEarlyDaemon.
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pidAlive, readPidFile } from '../contract/discovery.js';
import { resolveComposeFiles } from '../config/files.js';
import { findMarkedLeaders } from '../contract/markers.js';
import { stateFileRecordsUnits, stateFilePath } from '../contract/discovery.js';
import { startLocalDaemon, type StartedDaemon } from '../sdk/spawn-daemon.js';
import type { CliIO } from './io.js';
import { sandboxPaths, type ProjectPaths } from './paths.js';
import type { ProjectOptions } from './project.js';

/** A daemon started before the config was read, for the paths the project most likely has. */
export interface EarlyDaemon {
  root: string;
  stateDir: string;
  daemon: StartedDaemon;
  /** Stops the daemon and removes the `.compute` folder if this start created it (the config turned out bad or elsewhere). */
  cancel(): Promise<void>;
}

// A file that may set sandbox.root or sandbox.provider puts the sandbox somewhere only the whole config can tell: a
// `root:` or `provider:` key anywhere, in block or flow style, quoted or not (a false match only skips the early start).
const MAY_MOVE_SANDBOX = /(?:^|[\s{,])["']?(?:root|provider)["']?\s*:/m;

/**
 * Starts the daemon of the project the compose files most likely describe, or returns undefined when it should not be
 * started yet: a daemon already holds the state folder, the files may place the sandbox elsewhere, or the sandbox has
 * processes (recorded in its state file, or marked as its own). The last rule is what makes it safe: a daemon started
 * here finds nothing to adopt or end, so stopping it again (bad config) cannot stop anything that was running.
 */
export async function startEarlyDaemon(options: ProjectOptions, io: Pick<CliIO, 'env' | 'cwd'>): Promise<EarlyDaemon | undefined> {
  const paths = likelyPaths(options, io);
  if (!paths) return undefined;
  const { dir, root, stateDir } = paths;
  const holder = readPidFile(stateDir);
  if (holder !== undefined && pidAlive(holder)) return undefined;
  // A new daemon adopts the units its state file records and ends marked processes it does not (a state folder
  // deleted under running units): either way it would act on processes, so it waits for a valid config.
  if (stateFileRecordsUnits(stateFilePath(stateDir)) || findMarkedLeaders(sandboxIdOf(stateDir)).length > 0) return undefined;
  const created = !existsSync(dir);
  const daemon = await startLocalDaemon({ root, stateDir });
  let cancelled: Promise<void> | undefined;
  const cancel = async () => {
    await daemon.stop();
    // Not if another command's daemon won the state folder meanwhile (ours then exited at once).
    const winner = readPidFile(stateDir);
    if (created && !(winner !== undefined && winner !== daemon.pid && pidAlive(winner))) rmSync(dir, { recursive: true, force: true });
  };
  return { root, stateDir, daemon, cancel: () => (cancelled ??= cancel()) };
}

/** The early daemon when it serves the loaded project's paths; otherwise it is cancelled and undefined returned. */
export async function earlyDaemonFor(early: EarlyDaemon | undefined, project: ProjectPaths): Promise<StartedDaemon | undefined> {
  if (!early) return undefined;
  if (early.root === resolve(project.root) && early.stateDir === resolve(project.stateDir)) return early.daemon;
  await early.cancel();
  return undefined;
}

// The paths projectPaths() gives when the config does not set sandbox.root; undefined when the files are missing or
// may set it.
function likelyPaths(options: ProjectOptions, io: Pick<CliIO, 'env' | 'cwd'>): ProjectPaths | undefined {
  let files: string[];
  try {
    files = resolveComposeFiles(options.file ?? [], io.cwd);
  } catch {
    return undefined;
  }
  if (files.some(mayMoveSandbox)) return undefined;
  return sandboxPaths(dirname(files[0] as string), undefined, options['state-dir'], io);
}

// True when the file sets (or may set) sandbox.root or sandbox.provider; an unreadable file counts as setting them
// (the config's own load reports it).
function mayMoveSandbox(file: string): boolean {
  try {
    return MAY_MOVE_SANDBOX.test(readFileSync(file, 'utf8'));
  } catch {
    return true;
  }
}

// The id a daemon of `stateDir` marks its processes with: the folder's real path (it may not exist yet).
function sandboxIdOf(stateDir: string): string {
  try {
    return realpathSync(stateDir);
  } catch {
    const parent = dirname(stateDir);
    return parent === stateDir ? stateDir : join(sandboxIdOf(parent), basename(stateDir));
  }
}
