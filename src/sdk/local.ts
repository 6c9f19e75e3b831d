// Finding the local daemon of a state folder, and starting one in the background when none answers.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonFiles, pidAlive, readDaemonInfo, readPidFile } from '../daemon/http/discovery.js';
import { connect, type SandboxClient } from './client.js';
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

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
// A daemon that accepts connections but does not answer /health within this is treated as not running.
const PROBE_TIMEOUT_MS = 5000;

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
 * Connects to the state folder's daemon, starting one (detached, outliving this process) when none answers.
 * Two callers racing end up with the same daemon: the state folder's lock lets one start, the other exits.
 */
export async function ensureLocalDaemon(options: LocalDaemonOptions): Promise<SandboxClient> {
  const stateDir = resolve(options.stateDir);
  const root = resolve(options.root);
  const existing = await findLocalDaemon(stateDir, root);
  if (existing) return existing;
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const started = startDetached(root, stateDir, options.logLevel);
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const client = await findLocalDaemon(stateDir, root);
    if (client) return client;
    if (started.exit) {
      // Our daemon lost the race for the lock: wait for the winner, which holds the pidfile.
      const holder = readPidFile(stateDir);
      if (holder === undefined || holder === started.pid || !pidAlive(holder)) {
        throw new SandboxApiError(0, `the sandbox daemon exited (${started.exit}) before answering${started.output()}`, 'start');
      }
    }
    if (Date.now() > deadline) {
      throw new SandboxApiError(0, `the sandbox daemon did not answer within ${options.timeoutMs ?? 15_000} ms${started.output()}`, 'start');
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}

interface Started {
  pid: number | undefined;
  /** How the process ended, once it has. */
  exit: string | undefined;
  /** What the daemon printed since it was started, for an error message. */
  output(): string;
}

function startDetached(root: string, stateDir: string, logLevel: string | undefined): Started {
  const outPath = daemonFiles(stateDir).out;
  const out = openSync(outPath, 'a', 0o600);
  const offset = statSync(outPath).size;
  const args = [BIN, 'daemon', '--root', root, '--state', stateDir, ...(logLevel ? ['--log-level', logLevel] : [])];
  try {
    const child = spawn(process.execPath, args, { cwd: stateDir, detached: true, stdio: ['ignore', out, out] });
    const started: Started = {
      pid: child.pid,
      exit: undefined,
      output: () => {
        const text = readFileSync(outPath).subarray(offset).toString('utf8').trim();
        return text ? `:\n${text}` : '';
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
