// Ending every process of a unit: its process group as always, and everything in its cgroup when it has one, even
// processes that left the group (setsid, daemonize); without a cgroup, what the unit's markers still find.
import { readFileSync } from 'node:fs';
import { findMarkedProcesses, type MarkedProcess } from '../../contract/markers.js';
import type { UnitCgroup } from './cgroup.js';
import type { Log } from './deps.js';
import { isLiveProcess, signalGroup, terminateGroup, whenReaped, type TerminationResult } from './process.js';

/** What a stop must end: the group of the unit's main (or install) process, and the unit's cgroup when it has one. */
export interface UnitTarget {
  pgid: number | undefined;
  cgroup: UnitCgroup | undefined;
}

// How long SIGKILLed processes get to leave the cgroup, and an emptied cgroup to be removable (kernel teardown only).
const KILL_WAIT_MS = 10_000;

// Runs ending a cgroup, by path. Why: a stop and the lifecycle noticing its leader's exit both end the unit at once,
// and two freeze-kill-thaw rounds interleaved would thaw each other's frozen cgroup.
const ending = new Map<string, Promise<TerminationResult>>();

/**
 * Ends a unit's processes: SIGTERM to its group and to every process of its cgroup, up to `graceMs` for them to leave,
 * then SIGKILL to all (the cgroup frozen meanwhile, so nothing forks), a wait until the cgroup is empty, and its removal.
 */
export function terminateUnit(target: UnitTarget, graceMs: number, pollMs = 20): Promise<TerminationResult> {
  const { pgid, cgroup } = target;
  if (!cgroup) return pgid === undefined ? Promise.resolve('exited') : terminateGroup(pgid, graceMs, pollMs);
  let run = ending.get(cgroup.path);
  if (!run) {
    run = terminateCgroup(pgid, cgroup, graceMs, pollMs).finally(() => ending.delete(cgroup.path));
    ending.set(cgroup.path, run);
  }
  return run;
}

async function terminateCgroup(pgid: number | undefined, cgroup: UnitCgroup, graceMs: number, pollMs: number): Promise<TerminationResult> {
  const empty = () => cgroup.pids().length === 0;
  const reaped = pgid === undefined ? undefined : whenReaped(pgid);
  let result: TerminationResult = 'exited';
  if (!empty()) {
    if (pgid !== undefined) signalGroup(pgid, 'SIGTERM');
    cgroup.signal('SIGTERM');
    result = 'terminated';
    if (!(await waitUntil(empty, graceMs, pollMs, reaped))) {
      result = 'killed';
      const deadline = Date.now() + KILL_WAIT_MS;
      // SIGKILL cannot be ignored; the rounds repeat only for a cgroup that could not be frozen and forked meanwhile.
      do {
        await cgroup.kill();
        if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
      } while (!(await waitUntil(empty, Math.min(500, deadline - Date.now()), pollMs, reaped)) && Date.now() < deadline);
    }
  }
  // Empty, but rmdir may fail with EBUSY while the kernel still tears the last task down.
  await waitUntil(() => cgroup.remove(), KILL_WAIT_MS, pollMs);
  return result;
}

// Polls `condition` every pollMs (and at once when `wake` settles) until it holds or timeoutMs pass.
async function waitUntil(condition: () => boolean, timeoutMs: number, pollMs: number, wake?: Promise<unknown>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    let timer: NodeJS.Timeout | undefined;
    const poll = new Promise((resolve) => (timer = setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now())))));
    await Promise.race([poll, wake ?? poll]);
    clearTimeout(timer);
  }
}

/** A process found after a stop without cgroups: it carries the unit's markers but left the unit's process group. */
export interface Survivor {
  pid: number;
  command: string;
}

/**
 * Without cgroups, the best effort after a stop: processes still carrying the unit's markers (they left its process
 * group by setsid or a detached spawn) are SIGKILLed, and one warning names them. Processes that also dropped the
 * environment (redis-server --daemonize clears it) cannot be found this way; the warning says so.
 */
export async function endMarkedSurvivors(sandboxId: string, unit: string, log: Log): Promise<Survivor[]> {
  const survivors = (await markedProcesses(sandboxId))
    .filter((found) => found.unit === unit && isLiveProcess(found.pid))
    .map(({ pid }) => ({ pid, command: commandOf(pid) }));
  if (survivors.length === 0) return [];
  for (const { pid } of survivors) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: gone meanwhile.
    }
  }
  const names = survivors.map(({ pid, command }) => `${pid} (${command})`).join(', ');
  log.warn(
    { unit, survivors },
    `unit ${unit}: ${survivors.length} process(es) had left its process group and outlived the stop; SIGKILLed them: ${names}. Without cgroups (the daemon is not root, or the cgroup file system is read-only), processes that also cleared their environment cannot be found`,
  );
  return survivors;
}

// One scan of /proc (every process's environment) serves the stops that ask in the same turn of the event loop. Why:
// `down` of 100 units without cgroups would otherwise read every environment on the machine 100 times.
const scans = new Map<string, Promise<MarkedProcess[]>>();

function markedProcesses(sandboxId: string): Promise<MarkedProcess[]> {
  let scan = scans.get(sandboxId);
  if (!scan) {
    scan = new Promise((resolve) =>
      setImmediate(() => {
        scans.delete(sandboxId);
        resolve(findMarkedProcesses(sandboxId));
      }),
    );
    scans.set(sandboxId, scan);
  }
  return scan;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200);
  } catch {
    return '?';
  }
}
