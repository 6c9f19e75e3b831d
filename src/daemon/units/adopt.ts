// Finding the processes an earlier daemon of this sandbox left running: recorded ones to adopt, unrecorded ones to end.
import { readdirSync, readFileSync } from 'node:fs';
import { HASH_MARKER, PHASE_MARKER, SANDBOX_MARKER, UNIT_MARKER } from './env.js';
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

/** A process group leader carrying this sandbox's markers. */
export interface MarkedLeader {
  pid: number;
  unit: string;
  /** `install` or `main` (see env.ts Phase). */
  phase: string | undefined;
  /** The restart hash of the spec it was started from. */
  hash: string | undefined;
}

/**
 * Process group leaders that carry this sandbox's marker in their environment. A daemon that died between spawning
 * a process and saving its pid leaves such a process unrecorded; finding it by its markers is what lets a new daemon
 * adopt it (or end it) instead of starting a second one.
 */
export function findMarkedLeaders(sandboxId: string): MarkedLeader[] {
  const found: MarkedLeader[] = [];
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
    const value = (name: string) => variables.find((v) => v.startsWith(`${name}=`))?.slice(name.length + 1);
    const unit = value(UNIT_MARKER);
    if (unit !== undefined) found.push({ pid, unit, phase: value(PHASE_MARKER), hash: value(HASH_MARKER) });
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
