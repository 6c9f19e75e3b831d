// Finding the processes an earlier daemon of this sandbox left running: recorded ones to adopt, unrecorded ones to end.
import type { MarkedLeader } from '../../contract/markers.js';
import type { UnitCgroup } from './cgroup.js';
import type { RunnerRecord } from './runner.js';
import { descendsFrom, isLiveProcess, processStartTime, type ProcessExit, type UnitProcess } from './process.js';

export { findMarkedLeaders, type MarkedLeader } from '../../contract/markers.js';

/** True when `pid` is alive and is the very process that was recorded (same start time, so not a reused pid). */
export function isSameProcess(pid: number, startTime: number | undefined): boolean {
  return isLiveProcess(pid) && startTime !== undefined && processStartTime(pid) === startTime;
}

/**
 * A process we did not spawn but supervise: its exit is noticed by polling, and its exit code is unknown. `cgroup`
 * is the unit's cgroup when the process is in it (an earlier daemon started it there): a stop ends all it holds.
 */
export function adoptedProcess(pid: number, startTime: number, cgroup?: UnitCgroup, pollMs = 200): UnitProcess {
  const exited = new Promise<ProcessExit>((resolve) => {
    const timer = setInterval(() => {
      if (isSameProcess(pid, startTime)) return;
      clearInterval(timer);
      resolve({ exitCode: null });
    }, pollMs);
  });
  return cgroup ? { pid, exited, cgroup } : { pid, exited };
}

/**
 * The record with the process that still runs it: the recorded one if it lives; else the one main process that
 * carries the unit's markers and spec hash (spawned just before a crash, before its pid was saved); else none.
 */
export function withLiveProcess(record: RunnerRecord, marked: MarkedLeader[]): RunnerRecord {
  const { pid } = record.state;
  if (pid !== undefined && isSameProcess(pid, record.pidStartTime)) return record;
  const marks = marked.filter((leader) => leader.unit === record.state.name && leader.phase === 'main' && leader.hash === record.state.spec.hash);
  // A child that called setsid leads a group too and carries the same markers: the main process is the one whose
  // ancestors are none of the others.
  const pids = new Set(marks.map((leader) => leader.pid));
  const candidates = marks.filter((leader) => !descendsFrom(leader.pid, pids));
  const startTime = candidates.length === 1 ? processStartTime((candidates[0] as MarkedLeader).pid) : undefined;
  if (candidates.length !== 1 || startTime === undefined) {
    const { pid: _pid, ...state } = record.state;
    return { ...record, state };
  }
  // Its status is brought up to date by the runner's adopt, through the transition function.
  const state = { ...record.state, pid: (candidates[0] as MarkedLeader).pid };
  return { ...record, state, pidStartTime: startTime };
}
