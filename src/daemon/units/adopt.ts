// Finding the processes an earlier daemon of this sandbox left running: recorded ones to adopt, unrecorded ones to end.
import { isLiveProcess, processStartTime, type ProcessExit, type UnitProcess } from './process.js';

export { findMarkedLeaders, type MarkedLeader } from '../../contract/markers.js';

/** True when `pid` is alive and is the very process that was recorded (same start time, so not a reused pid). */
export function isSameProcess(pid: number, startTime: number | undefined): boolean {
  return isLiveProcess(pid) && startTime !== undefined && processStartTime(pid) === startTime;
}

/** A process we did not spawn but supervise: its exit is noticed by polling, and its exit code is unknown. */
export function adoptedProcess(pid: number, startTime: number, pollMs = 200): UnitProcess {
  const exited = new Promise<ProcessExit>((resolve) => {
    const timer = setInterval(() => {
      if (isSameProcess(pid, startTime)) return;
      clearInterval(timer);
      resolve({ exitCode: null });
    }, pollMs);
  });
  return { pid, exited };
}
