// Checks on real processes: is a pid alive, which processes are in a process group.
import { readdirSync, readFileSync } from 'node:fs';

/** True when a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of the live (non-zombie) processes whose process group id is `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

/** Live daemon processes (`compute daemon`, or the daemon bundle) whose command line names `stateDir`. */
export function daemonPidsOf(stateDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // `compute daemon --state DIR`, the daemon the SDK starts (`node .../bin/compute-daemon.js --state DIR`), or the
      // daemon bundle run as it is (`node .../compute-daemon.mjs`).
      const isDaemon = argv.includes('daemon') || argv.some((arg) => arg.endsWith('/compute-daemon.js') || arg.endsWith('/compute-daemon.mjs'));
      if (isDaemon && argv.includes(stateDir) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
