// Spawning a unit's process in its own process group, and ending the whole group: SIGTERM, grace, SIGKILL.
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { spawn } from 'node:child_process';
import type { UnitCgroup } from './cgroup.js';
import type { Phase } from './env.js';
import { execForm } from './shell.js';

/** What to run, where, with which environment and output files. */
export interface SpawnRequest {
  /** A shell command (run with /bin/sh -c) or a program and its arguments. */
  command: string | string[];
  /** Host folder to run in. */
  cwd: string;
  /** The complete environment of the process. */
  env: Record<string, string>;
  /** File descriptors the child writes its stdout and stderr to directly. */
  stdout: number;
  stderr: number;
  uid?: number;
  gid?: number;
  /** The unit's cgroup, to start the process in (see cgroup.ts); without one it is tracked by its group only. */
  cgroup?: UnitCgroup;
}

/**
 * How a process ended. `exitCode` is 128 + the signal number when it was killed by a signal, as in a shell, and
 * null when it is unknown (a process adopted from an earlier daemon, whose exit status went to someone else).
 */
export interface ProcessExit {
  exitCode: number | null;
  signal?: string;
}

/** A running unit process; `pid` is also its process group id (it leads its own group). */
export interface UnitProcess {
  pid: number;
  exited: Promise<ProcessExit>;
  /** The cgroup it was started in, holding every process it forks; absent when it could not be put in one. */
  cgroup?: UnitCgroup;
}

/** The process could not be started at all (no such program, permission denied, bad user). */
export class SpawnError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpawnError';
  }
}

/**
 * Our own children that have not been reaped yet, with a promise that settles when they are. Why: a leader that has
 * just died is a zombie until libuv reaps it; a stop that polled the group then scanned all of /proc for live
 * members on every poll (in a daemon profile, ~1 ms a scan, 100 units stopping at once: the main cost of a stop).
 * Waiting for our own reap instead costs nothing, and after it `kill(-pgid, 0)` alone says whether the group is gone.
 */
const unreaped = new Map<number, Promise<unknown>>(); // settles (never rejects) once the pid is reaped

/**
 * Starts a process as the leader of a new process group, with stdin closed and output straight into files. A unit's
 * main process is spawned with node:child_process (issue 14: execa's spawn cost 423-494 ms per 100 units against
 * 292-309 ms, and its load 84-119 ms of the daemon's start, on the cold-up path); an install step goes through execa.
 */
export async function spawnUnitProcess(request: SpawnRequest, phase: Phase = 'main'): Promise<UnitProcess> {
  const [file, args] = typeof request.command === 'string' ? ['/bin/sh', ['-c', execForm(request.command)]] : [request.command[0] ?? '', request.command.slice(1)];
  const start = phase === 'install' ? await execaStarter() : startWithNode;
  // When the cgroup cannot be used (a write refused), the process group alone tracks the unit, as without cgroups.
  const cgroup = request.cgroup?.enter() ? request.cgroup : undefined;
  let started: Started;
  try {
    started = start(file, args, request);
  } finally {
    cgroup?.leave();
  }
  if (started.pid === undefined) {
    const code = await started.failed;
    // Made for a process that never started: nothing else would remove it (rmdir refuses one that holds processes).
    cgroup?.remove();
    const reason = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : code;
    throw new SpawnError(`cannot run "${file}": ${reason}`);
  }
  const { pid, exited } = started;
  unreaped.set(
    pid,
    exited.then(
      () => unreaped.delete(pid),
      () => unreaped.delete(pid),
    ),
  );
  return cgroup ? { pid, exited, cgroup } : { pid, exited };
}

// A spawn under way: its pid (undefined when it failed at once, then `failed` settles with the error's code).
interface Started {
  pid: number | undefined;
  exited: Promise<ProcessExit>;
  failed: Promise<string>;
}
type Starter = (file: string, args: string[], request: SpawnRequest) => Started;

const ownGroupOptions = (request: SpawnRequest) => ({
  cwd: request.cwd,
  env: request.env,
  // A group of its own, so that a stop reaches every child, and Ctrl-C in the daemon's terminal reaches none.
  detached: true,
  ...(request.uid === undefined ? {} : { uid: request.uid }),
  ...(request.gid === undefined ? {} : { gid: request.gid }),
});

const startWithNode: Starter = (file, args, request) => {
  const child = spawn(file, args, { ...ownGroupOptions(request), stdio: ['ignore', request.stdout, request.stderr] });
  // Every error is taken (a second one unhandled would end the daemon); only the first, a failed spawn, is reported.
  const failed = new Promise<string>((resolve) => child.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message)));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve(exitOf(code, signal ?? undefined)));
  });
  return { pid: child.pid, exited, failed };
};

let execaModule: Promise<typeof import('execa')> | undefined;

// execa, loaded at the first install step: a daemon whose units have none never loads it.
async function execaStarter(): Promise<Starter> {
  const { execa } = await (execaModule ??= import('execa'));
  return (file, args, request) => {
    const subprocess = execa(file, args, {
      ...ownGroupOptions(request),
      extendEnv: false,
      stdin: 'ignore',
      // Any open descriptor works at run time (execa hands it to spawn); its types only list 3 to 9.
      stdout: request.stdout as 3,
      stderr: request.stderr as 3,
      cleanup: false,
      buffer: false,
      reject: false,
      forceKillAfterDelay: false,
    });
    const exited = subprocess.then((result) => exitOf(result.exitCode ?? null, result.signal ?? undefined));
    const failed = subprocess.then((result) => result.code ?? result.shortMessage ?? 'it failed to start');
    return { pid: subprocess.pid, exited, failed };
  };
}

// A shell's view of an exit: 128 + the signal number for a process a signal killed.
function exitOf(code: number | null, signal: string | undefined): ProcessExit {
  const exitCode = code ?? (signal ? 128 + (constants.signals[signal as keyof typeof constants.signals] ?? 0) : 1);
  return signal ? { exitCode, signal } : { exitCode };
}

/** Settles once our child `pid` has been reaped; undefined when it is not our child or already reaped. */
export function whenReaped(pid: number): Promise<unknown> | undefined {
  return unreaped.get(pid);
}

/** True when some process of the group is alive; zombies (which nothing may ever reap here) do not count. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (isLiveProcess(pgid)) return true;
  return liveGroupMembers(pgid).length > 0;
}

/**
 * Whether a group is still alive, asked again and again while it is being stopped. Its first scan of /proc finds
 * the live members; later polls look at those pids only, and one more full scan confirms the end (a member could
 * have forked meanwhile). Why: zombies of orphaned grandchildren (`sh -c` leaves them, and PID 1 here reaps
 * nothing) keep `kill(-pgid, 0)` succeeding forever, and a full scan per poll per unit was half a 100-unit stop.
 * A leader that is our own child not yet reaped counts as alive without a scan: the caller waits for its reap.
 */
function groupWatch(pgid: number): () => boolean {
  let members: number[] | undefined;
  return () => {
    try {
      process.kill(-pgid, 0);
    } catch {
      return false;
    }
    if (unreaped.has(pgid) || isLiveProcess(pgid)) return true;
    members = members ? members.filter(isLiveProcess) : liveGroupMembers(pgid);
    if (members.length === 0) members = liveGroupMembers(pgid);
    return members.length > 0;
  };
}

/** Pids of the group's live (non-zombie) members, from /proc. */
export function liveGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const code = entry.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.state !== 'Z' && stat.pgid === pgid) members.push(Number(entry));
  }
  return members;
}

/** True when the pid exists and is not a zombie. */
export function isLiveProcess(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** The start time of a process in clock ticks since boot (field 22 of /proc/PID/stat); identifies it across pid reuse. */
export function processStartTime(pid: number): number | undefined {
  return readStat(pid)?.startTime;
}

/** True when `pid` is a descendant of one of `ancestors` (its parent's parent's ... is one of them), per /proc. */
export function descendsFrom(pid: number, ancestors: ReadonlySet<number>): boolean {
  // Bounded: a pid reused while we walk could in theory make a loop.
  for (let current = readStat(pid)?.ppid, steps = 0; current !== undefined && current > 1 && steps < 64; current = readStat(current)?.ppid, steps++) {
    if (ancestors.has(current)) return true;
  }
  return false;
}

function readStat(pid: number): { state: string; ppid: number; pgid: number; startTime: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** How a group was ended: it left after SIGTERM, or needed SIGKILL after the grace period. */
export type TerminationResult = 'exited' | 'terminated' | 'killed';

/**
 * Ends a process group: SIGTERM to the whole group, up to `graceMs` for every member to leave, then SIGKILL to the
 * group and a wait until no live member remains. Resolves once the group is gone.
 */
export async function terminateGroup(pgid: number, graceMs: number, pollMs = 20): Promise<TerminationResult> {
  // A leader of ours that has just died: let libuv reap it, so that the check below needs no scan of /proc.
  const reaped = unreaped.get(pgid);
  if (reaped && !isLiveProcess(pgid)) await reaped;
  if (!groupAlive(pgid)) return 'exited';
  signalGroup(pgid, 'SIGTERM');
  if (await waitGroupGone(pgid, graceMs, pollMs)) return 'terminated';
  signalGroup(pgid, 'SIGKILL');
  // SIGKILL cannot be ignored; the wait only covers the kernel tearing the processes down.
  await waitGroupGone(pgid, 10_000, pollMs);
  return 'killed';
}

/** Sends a signal to a process group, if it still exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

// Polls the group every pollMs, and at once when the leader (our child) is reaped: a stop ends as soon as it can.
async function waitGroupGone(pgid: number, timeoutMs: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const alive = groupWatch(pgid);
  for (;;) {
    if (!alive()) return true;
    if (Date.now() >= deadline) return false;
    let timer: NodeJS.Timeout | undefined;
    const poll = new Promise((resolve) => (timer = setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now())))));
    await Promise.race([poll, unreaped.get(pgid) ?? poll]);
    clearTimeout(timer);
  }
}
