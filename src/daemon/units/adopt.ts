// Finding the processes an earlier daemon of this sandbox left running: recorded ones to adopt, unrecorded ones to end.
import { readdirSync, readFileSync } from 'node:fs';
import { SANDBOX_MARKER, UNIT_MARKER } from './env.js';
import { isLiveProcess, processStartTime, type ProcessExit, type UnitProcess } from './process.js';

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

/**
 * Process group leaders that carry this sandbox's marker in their environment, by unit name. A daemon that died
 * between spawning a process and saving its pid leaves such a process unrecorded; finding it by its marker is what
 * keeps a new daemon from starting a second one.
 */
export function findMarkedLeaders(sandboxId: string): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const sandboxEntry = `${SANDBOX_MARKER}=${sandboxId}`;
  for (const entry of readdirSync('/proc')) {
    const code = entry.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const pid = Number(entry);
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    const variables = environ.split('\0');
    if (!variables.includes(sandboxEntry) || !isGroupLeader(pid)) continue;
    const unit = variables.find((v) => v.startsWith(`${UNIT_MARKER}=`))?.slice(UNIT_MARKER.length + 1);
    if (unit === undefined) continue;
    found.set(unit, [...(found.get(unit) ?? []), pid]);
  }
  return found;
}

function isGroupLeader(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' && Number(fields[2]) === pid;
  } catch {
    return false;
  }
}
