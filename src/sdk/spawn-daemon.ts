// Starting a sandbox daemon in the background, detached from this process, without waiting for it to answer. Kept
// apart from the client so that a command can start a daemon before it has loaded the HTTP client (undici).
import { spawn } from 'node:child_process';
import { closeSync, fchmodSync, openSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { daemonFiles, STATE_FOLDER_ENTRIES } from '../contract/discovery.js';
import { privateDir } from '../contract/persist.js';
import { isDiskFull } from '../util/disk-space.js';
import { LOCAL_DAEMON } from './daemon-bundle.js';
import { SandboxApiError } from './errors.js';

/** Where a local sandbox lives, and how long to wait for its daemon to start. */
export interface LocalDaemonOptions {
  root: string;
  stateDir: string;
  /** Deadline for a new daemon to answer (default 15 s: a loaded machine starts node slowly). */
  timeoutMs?: number;
  /** --log-level of a daemon started here. */
  logLevel?: string;
}

/** A daemon process this process started in the background. */
export interface StartedDaemon {
  pid: number | undefined;
  /** How the process ended, once it has. */
  exit: string | undefined;
  /** What the daemon printed since it was started, for an error message. */
  output(): string;
  /** Stops it (SIGTERM: a graceful stop, also while it starts) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts a daemon for the state folder in the background (detached: it outlives this process), without waiting for it. */
export async function startLocalDaemon(options: LocalDaemonOptions): Promise<StartedDaemon> {
  const stateDir = resolve(options.stateDir);
  try {
    await privateDir(stateDir, STATE_FOLDER_ENTRIES);
    return startDetached(resolve(options.root), stateDir, options.logLevel);
  } catch (error) {
    throw isDiskFull(error) ? diskFullError(stateDir, error) : error;
  }
}

/**
 * The error for a daemon that cannot start because the disk of its state folder is full: a daemon that dies of it
 * cannot say so itself (its output file is on that disk), so the one that started it checks the free space.
 */
export function diskFullError(stateDir: string, cause?: unknown): SandboxApiError {
  const message = `the disk of state folder ${stateDir} is full (no space left on device), so the sandbox daemon cannot start; free some space and try again`;
  return new SandboxApiError(0, message, 'start', { cause });
}

// How long a stopped daemon gets to exit before it is killed (it has no units yet when `stop` is used).
const STOP_GRACE_MS = 10_000;

function startDetached(root: string, stateDir: string, logLevel: string | undefined): StartedDaemon {
  const outPath = daemonFiles(stateDir).out;
  const out = openSync(outPath, 'a', 0o600);
  // The mode given to open applies only to a new file; one an older version left 0644 is made private too.
  fchmodSync(out, 0o600);
  const offset = statSync(outPath).size;
  const args = [LOCAL_DAEMON, '--root', root, '--state', stateDir, ...(logLevel ? ['--log-level', logLevel] : [])];
  try {
    const child = spawn(process.execPath, args, { cwd: stateDir, detached: true, stdio: ['ignore', out, out] });
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    const started: StartedDaemon = {
      pid: child.pid,
      exit: undefined,
      output: () => {
        const text = readFileSync(outPath).subarray(offset).toString('utf8').trim();
        return text ? `:\n${text}` : '';
      },
      stop: async () => {
        if (started.exit) return;
        // Waited for here, so the process must not leave before its daemon has.
        child.ref();
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(killer);
        child.unref();
      },
    };
    child.once('error', (error) => (started.exit = error.message));
    child.once('exit', (code, signal) => (started.exit = signal ? `signal ${signal}` : `exit code ${code}`));
    // The daemon outlives this process: nothing here waits for it.
    child.unref();
    return started;
  } finally {
    closeSync(out);
  }
}
