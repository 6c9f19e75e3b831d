// Which processes are a unit's, and what they use together: pure functions over a table read from /proc.
import { CLOCK_TICKS_PER_SECOND, type ProcStat } from './proc.js';

/** The machine's processes by pid, and each pid's children: built once per sample, shared by every unit. */
export interface ProcessTable {
  byPid: ReadonlyMap<number, ProcStat>;
  children: ReadonlyMap<number, readonly number[]>;
}

/** Indexes processes by pid and by parent. */
export function indexProcesses(processes: readonly ProcStat[]): ProcessTable {
  const byPid = new Map<number, ProcStat>();
  const children = new Map<number, number[]>();
  for (const process of processes) {
    byPid.set(process.pid, process);
    const siblings = children.get(process.ppid);
    if (siblings) siblings.push(process.pid);
    else children.set(process.ppid, [process.pid]);
  }
  return { byPid, children };
}

/**
 * A unit's processes: its main process, every descendant of it (by parent pid), the members of its process group
 * (a child whose parent ended is reparented away, but stays in the group) and of its cgroup when it has one (which
 * also holds what called setsid or daemonized). Zombies included: their CPU time counts until they are reaped.
 */
export function unitProcesses(table: ProcessTable, root: number, cgroupPids: readonly number[] = []): ProcStat[] {
  const seen = new Set<number>();
  const queue = [root, ...cgroupPids];
  for (const process of table.byPid.values()) if (process.pgid === root) queue.push(process.pid);
  // Each pid is taken once, so a cycle (a pid reused while /proc was read) cannot loop.
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid) || !table.byPid.has(pid)) continue;
    seen.add(pid);
    queue.push(...(table.children.get(pid) ?? []));
  }
  return [...seen].map((pid) => table.byPid.get(pid) as ProcStat);
}

/** What a set of processes uses together. */
export interface TreeUsage {
  /** Live (non-zombie) processes. */
  processes: number;
  /** CPU time in ticks: each one's own, and that of the ended children it waited for. */
  ticks: number;
  rssBytes: number;
}

/**
 * Sums a unit's processes. Why the waited-for children's time counts: a short-lived child (a compiler run, a `sh -c`
 * step) is gone by the next sample, and its time then shows up in its parent's cutime; counting both keeps the sum
 * growing steadily instead of dropping when a child is reaped. `rss` gives a live process's resident bytes.
 */
export function sumUsage(processes: readonly ProcStat[], rss: (pid: number) => number = () => 0): TreeUsage {
  let live = 0;
  let ticks = 0;
  let rssBytes = 0;
  for (const process of processes) {
    ticks += process.ownTicks + process.childTicks;
    if (process.state === 'Z') continue;
    live++;
    rssBytes += rss(process.pid);
  }
  return { processes: live, ticks, rssBytes };
}

/**
 * CPU use between two samples in percent of one core (200 = two cores busy), to one decimal. The sum can drop when a
 * process ends without being waited for by another of the unit (its time is lost with it): that counts as 0.
 */
export function cpuPercent(ticksBefore: number, ticksAfter: number, intervalMs: number, ticksPerSecond = CLOCK_TICKS_PER_SECOND): number {
  if (intervalMs <= 0) return 0;
  const cpuMs = (Math.max(0, ticksAfter - ticksBefore) * 1000) / ticksPerSecond;
  return Math.round((cpuMs / intervalMs) * 1000) / 10;
}

/** Ticks as milliseconds. */
export function ticksToMs(ticks: number, ticksPerSecond = CLOCK_TICKS_PER_SECOND): number {
  return Math.round((ticks * 1000) / ticksPerSecond);
}
