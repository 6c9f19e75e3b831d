// Finding the local daemon of a state folder, and starting one in the background when none answers.
import { resolve } from 'node:path';
import { daemonFiles, pidAlive, readDaemonInfo, readPidFile } from '../contract/discovery.js';
import { noSpace } from '../util/disk-space.js';
import { connect, type SandboxClient } from './client.js';
import { SandboxApiError } from './errors.js';
// Types only: spawning (node:child_process) is loaded when a daemon is started, not by `ps` or `logs`.
import type { LocalDaemonOptions, StartedDaemon } from './spawn-daemon.js';

export type { LocalDaemonOptions, StartedDaemon };

// A daemon that accepts connections but does not answer /health within this is treated as not running.
const PROBE_TIMEOUT_MS = 5000;
// The pause between attempts to reach a daemon being started. Short: an attempt before it listens fails at once
// (no socket yet), and every `up` that starts a daemon waits on average half of this pause for nothing.
const START_POLL_MS = 5;

/** Connects to the state folder's daemon if one answers; undefined otherwise (for `compute ps` on a stopped project). */
export async function findLocalDaemon(stateDir: string, root?: string, probeTimeoutMs = PROBE_TIMEOUT_MS): Promise<SandboxClient | undefined> {
  const dir = resolve(stateDir);
  const info = readDaemonInfo(dir);
  // daemon.json names the socket of a daemon started with --socket; one left by a dead daemon is ignored.
  const socketPath = info && pidAlive(info.pid) ? info.socket : daemonFiles(dir).socket;
  if (info && root !== undefined && pidAlive(info.pid) && info.root !== resolve(root)) {
    throw new SandboxApiError(0, `the daemon of state folder ${dir} serves root ${info.root}, not ${resolve(root)}`, 'connect');
  }
  const client = connect({ socketPath });
  try {
    await client.health({ timeoutMs: probeTimeoutMs });
    return client;
  } catch {
    await client.close();
    return undefined;
  }
}

/**
 * Connects to the state folder's daemon, starting one (detached, outliving this process) when none answers; or, given
 * a daemon that `startLocalDaemon` already started for this state folder, waits for that one.
 * Two callers racing end up with the same daemon: the state folder's lock lets one start, the other exits.
 */
export async function ensureLocalDaemon(options: LocalDaemonOptions, early?: StartedDaemon): Promise<SandboxClient> {
  const stateDir = resolve(options.stateDir);
  const root = resolve(options.root);
  if (!early) {
    const existing = await findLocalDaemon(stateDir, root);
    if (existing) return existing;
  }
  const { diskFullError, startLocalDaemon } = await import('./spawn-daemon.js');
  const started = early ?? (await startLocalDaemon({ ...options, root, stateDir }));
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const client = await findLocalDaemon(stateDir, root);
    if (client) return client;
    if (started.exit) {
      // Our daemon lost the race for the lock: wait for the winner, which holds the pidfile.
      const holder = readPidFile(stateDir);
      if (holder === undefined || holder === started.pid || !pidAlive(holder)) {
        const output = started.output();
        if (output === '' && noSpace(stateDir)) throw diskFullError(stateDir);
        throw new SandboxApiError(0, `the sandbox daemon exited (${started.exit}) before answering${output}`, 'start');
      }
    }
    if (Date.now() > deadline) {
      throw new SandboxApiError(0, `the sandbox daemon did not answer within ${options.timeoutMs ?? 15_000} ms${started.output()}`, 'start');
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, START_POLL_MS));
  }
}
