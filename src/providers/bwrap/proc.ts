// Host processes the bwrap provider owns (the holder and the forwarder), named by pid and start time so that a
// pid the kernel has since reused for someone else's process is never signalled.
import { readFileSync } from 'node:fs';

/** A process as this provider records it: its pid and the start time the kernel gave it. */
export interface ProcessRef {
  pid: number;
  start: string;
}

/** The start time (field 22 of /proc/PID/stat) of a live, non-zombie process, or undefined. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** A reference to the live process `pid`; throws when it is already gone. */
export function refOf(pid: number): ProcessRef {
  const start = startTimeOf(pid);
  if (start === undefined) throw new Error(`process ${pid} ended as soon as it started`);
  return { pid, start };
}

/** True while the recorded process is alive and is still the same process. */
export function isRunning(ref: ProcessRef | undefined): boolean {
  return ref !== undefined && startTimeOf(ref.pid) === ref.start;
}

/** Sends `signal` to the recorded process if it is still that process. */
export function signalRef(ref: ProcessRef | undefined, signal: NodeJS.Signals): void {
  if (!isRunning(ref)) return;
  try {
    process.kill((ref as ProcessRef).pid, signal);
  } catch {
    // it ended between the check and the signal
  }
}

/** Polls `condition` every few milliseconds until it holds; throws with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bwrap provider: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Ends the recorded processes: SIGTERM, then SIGKILL for any still alive after `graceMs`, then waits for them. */
export async function endAll(refs: Array<ProcessRef | undefined>, graceMs = 2_000): Promise<void> {
  for (const ref of refs) signalRef(ref, 'SIGTERM');
  try {
    await waitUntil(() => refs.every((ref) => !isRunning(ref)), graceMs, 'processes to end');
  } catch {
    for (const ref of refs) signalRef(ref, 'SIGKILL');
    await waitUntil(() => refs.every((ref) => !isRunning(ref)), 5_000, 'processes to end after SIGKILL');
  }
}
