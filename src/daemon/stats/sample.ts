// Measuring what the running units use: two samples of their process trees, taken only when someone asks.
import type { UnitStats } from '../../contract/wire.js';
import { pause } from '../../util/pause.js';
import type { UnitProcessRoots } from '../supervisor-api.js';
import { readAllProcesses, readProcess, readRss, type ProcStat } from './proc.js';
import { cpuPercent, indexProcesses, sumUsage, ticksToMs, unitProcesses, type TreeUsage } from './tree.js';

/** One unit at one instant. */
export interface UnitSample {
  name: string;
  pid: number;
  /** The main process's start time: a restarted unit's next sample is not compared with this one. */
  startTime: number;
  usage: TreeUsage;
}

/** Where samples read processes from (/proc by default; a test may give its own). */
export interface ProcSource {
  all: () => ProcStat[];
  one: (pid: number) => ProcStat | undefined;
  rss: (pid: number) => number;
}

const PROC: ProcSource = { all: readAllProcesses, one: readProcess, rss: readRss };

/**
 * Samples the units' process trees; `withRss` also reads each live process's resident memory. Why only the cgroups'
 * pids when every unit has a cgroup holding its main process: a cgroup holds all that its processes started, so the
 * scan of all of /proc is not needed. A cgroup that could not be read (no pids) does not count as one.
 */
export function sampleUnits(units: readonly UnitProcessRoots[], withRss: boolean, source: ProcSource = PROC): UnitSample[] {
  if (units.length === 0) return [];
  const pids = units.every((unit) => unit.cgroupPids?.includes(unit.pid)) ? [...new Set(units.flatMap((unit) => unit.cgroupPids ?? []))] : undefined;
  const processes = pids ? pids.flatMap((pid) => source.one(pid) ?? []) : source.all();
  const table = indexProcesses(processes);
  return units.flatMap((unit) => {
    const root = table.byPid.get(unit.pid);
    if (!root) return []; // it ended meanwhile
    const usage = sumUsage(unitProcesses(table, unit.pid, unit.cgroupPids), withRss ? source.rss : undefined);
    return [{ name: unit.name, pid: unit.pid, startTime: root.startTime, usage }];
  });
}

/** The stats of each unit from its sample, with the CPU use since `before` (when it is of the same main process). */
export function statsOf(after: UnitSample, before: UnitSample | undefined, intervalMs: number): UnitStats {
  const same = before !== undefined && before.pid === after.pid && before.startTime === after.startTime;
  return {
    name: after.name,
    pid: after.pid,
    processes: after.usage.processes,
    rss_bytes: after.usage.rssBytes,
    cpu_ms: ticksToMs(after.usage.ticks),
    cpu_percent: same ? cpuPercent(before.usage.ticks, after.usage.ticks, intervalMs) : null,
  };
}

/**
 * Each running unit's use, sorted by name: sampled, then again `intervalMs` later (the CPU use is over the time
 * actually measured between the two); one sample and no CPU use with 0 (or when no unit runs). Undefined when `signal` aborts the wait.
 */
export async function measureUnits(roots: () => UnitProcessRoots[], intervalMs: number, signal: AbortSignal, source: ProcSource = PROC): Promise<{ intervalMs: number; units: UnitStats[] } | undefined> {
  let before: Map<string, UnitSample> | undefined;
  let started = 0;
  const first = roots();
  // Nothing runs: no wait for a second look.
  if (intervalMs > 0 && first.length > 0) {
    started = performance.now();
    before = new Map(sampleUnits(first, false, source).map((sample) => [sample.name, sample]));
    if (!(await pause(intervalMs, signal))) return undefined;
  }
  const elapsed = before ? performance.now() - started : 0;
  const units = sampleUnits(before ? roots() : first, true, source).map((after) => statsOf(after, before?.get(after.name), elapsed));
  units.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { intervalMs: Math.round(elapsed), units };
}
