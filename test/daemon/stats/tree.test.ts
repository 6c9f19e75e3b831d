// The pure parts of resource use: /proc lines parsed, a unit's process tree found and summed, CPU % from two samples.
import { describe, expect, it } from 'vitest';
import { parseStat, parseVmRss, type ProcStat } from '../../../src/daemon/stats/proc.js';
import { cpuPercent, indexProcesses, sumUsage, ticksToMs, unitProcesses } from '../../../src/daemon/stats/tree.js';
import { sampleUnits, statsOf, type ProcSource, type UnitSample } from '../../../src/daemon/stats/sample.js';
import type { UnitProcessRoots } from '../../../src/daemon/supervisor-api.js';

// A real line of `cat /proc/self/stat` (kernel 5.x), with `comm` replaced by each case's name.
const TAIL = 'R 21970 21970 11901 0 -1 4194304 100 0 0 0 7 3 2 1 20 0 1 0 170738 3133440 382 18446744073709551615 94336260112384 94336260132265 140733052470496 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94336260148272 94336260149888 94336799563776 140733052475923 140733052475943 140733052475943 140733052477419 0';

describe('parseStat', () => {
  it.each([
    ['cat', 21973],
    ['a b) (c', 7],
    [') S 1 1', 42],
    ['', 1],
  ])('reads the fields after the last ")" of a name like %j', (name, pid) => {
    expect(parseStat(`${pid} (${name}) ${TAIL}\n`)).toEqual({ pid, state: 'R', ppid: 21970, pgid: 21970, ownTicks: 10, childTicks: 3, startTime: 170738 });
  });

  it.each([
    ['', 'empty'],
    ['12 (x', 'no closing parenthesis'],
    ['12 (x) R 1 1', 'too few fields'],
    ['x (y) ' + TAIL, 'a pid that is not a number'],
  ])('is undefined for %j (%s)', (text) => {
    expect(parseStat(text)).toBeUndefined();
  });
});

describe('parseVmRss', () => {
  it.each([
    ['Name:\tnode\nVmPeak:\t  9000 kB\nVmRSS:\t    2012 kB\nRssAnon:\t 1000 kB\n', 2012 * 1024],
    ['VmRSS:\t0 kB\n', 0],
    // A zombie's status has no memory lines.
    ['Name:\tsh\nState:\tZ (zombie)\n', 0],
  ])('%j → %d bytes', (text, bytes) => {
    expect(parseVmRss(text)).toBe(bytes);
  });
});

function proc(pid: number, ppid: number, fields: Partial<ProcStat> = {}): ProcStat {
  return { pid, state: 'S', ppid, pgid: pid, ownTicks: 10, childTicks: 0, startTime: pid * 100, ...fields };
}

// init(1) → daemon(50) → unit main(100) → children 101, 102 → grandchild 103; 104 in 100's group but reparented to 1
// (its parent ended); 200 another unit; 300 setsid'd out of everything (findable only by a cgroup).
const table = indexProcesses([
  proc(1, 0),
  proc(50, 1),
  proc(100, 50),
  proc(101, 100, { pgid: 100 }),
  proc(102, 100, { pgid: 100, state: 'Z', ownTicks: 5 }),
  proc(103, 101, { pgid: 100 }),
  proc(104, 1, { pgid: 100 }),
  proc(200, 50),
  proc(300, 1),
]);

describe('unitProcesses', () => {
  it.each([
    [100, [], [100, 101, 102, 103, 104]],
    [101, [], [101, 103]],
    [200, [], [200]],
    [100, [100, 101, 300], [100, 101, 102, 103, 104, 300]],
    // A cgroup member that is gone by the time /proc was read, and a root that is gone.
    [200, [999], [200]],
    [999, [], []],
  ])('root %d with cgroup %j → %j', (root, cgroup, expected) => {
    expect(unitProcesses(table, root, cgroup).map((p) => p.pid).sort((a, b) => a - b)).toEqual(expected);
  });

  it('ends on a parent cycle (a pid reused while /proc was read)', () => {
    const cyclic = indexProcesses([proc(5, 6), proc(6, 5)]);
    expect(unitProcesses(cyclic, 5).map((p) => p.pid).sort()).toEqual([5, 6]);
  });
});

describe('sumUsage', () => {
  it('counts live processes and their memory, and the CPU time of all, zombies and waited-for children included', () => {
    const members = unitProcesses(table, 100).map((p) => (p.pid === 100 ? { ...p, childTicks: 30 } : p));
    expect(sumUsage(members, (pid) => pid * 1000)).toEqual({ processes: 4, ticks: 10 + 30 + 10 + 5 + 10 + 10, rssBytes: (100 + 101 + 103 + 104) * 1000 });
    expect(sumUsage([])).toEqual({ processes: 0, ticks: 0, rssBytes: 0 });
  });
});

describe('cpuPercent', () => {
  it.each([
    [0, 25, 250, 100],
    [0, 50, 250, 200],
    [100, 100, 250, 0],
    [0, 1, 1000, 1],
    [0, 3, 700, 4.3],
    // The sum dropped (a process ended unwaited): 0, not negative.
    [50, 20, 250, 0],
    [0, 10, 0, 0],
  ])('%d → %d ticks in %d ms is %d %%', (before, after, ms, percent) => {
    expect(cpuPercent(before, after, ms)).toBe(percent);
  });

  it('converts ticks at the given rate', () => {
    expect(cpuPercent(0, 250, 250, 1000)).toBe(100);
    expect(ticksToMs(123)).toBe(1230);
  });
});

describe('statsOf', () => {
  const sample = (pid: number, startTime: number, ticks: number): UnitSample => ({ name: 'web', pid, startTime, usage: { processes: 2, ticks, rssBytes: 4096 } });

  it.each([
    ['the same process', sample(7, 70, 10), 100],
    ['no first sample', undefined, null],
    ['a restart between the samples (a new pid)', sample(8, 80, 10), null],
    ['a pid reused by another process', sample(7, 71, 10), null],
  ])('CPU use after %s', (_what, before, percent) => {
    expect(statsOf(sample(7, 70, 35), before, 250)).toEqual({ name: 'web', pid: 7, processes: 2, rss_bytes: 4096, cpu_ms: 350, cpu_percent: percent });
  });
});

describe('sampleUnits', () => {
  // The processes of the tree above as a /proc that counts how it is read.
  function source(): ProcSource & { scans: number; reads: number[] } {
    const reads: number[] = [];
    const counted = {
      scans: 0,
      reads,
      all: () => {
        counted.scans++;
        return [...table.byPid.values()];
      },
      one: (pid: number) => {
        reads.push(pid);
        return table.byPid.get(pid);
      },
      rss: (pid: number) => pid,
    };
    return counted;
  }

  it.each<[string, UnitProcessRoots[], number, Array<[string, number, number]>]>([
    ['every unit has a cgroup with its main process: only their members are read', [{ name: 'a', pid: 100, cgroupPids: [100, 101, 300] }, { name: 'b', pid: 200, cgroupPids: [200] }], 0, [['a', 100 + 101 + 300, 3], ['b', 200, 1]]],
    ['one unit has none: a scan of all of /proc', [{ name: 'a', pid: 100, cgroupPids: [100, 300] }, { name: 'b', pid: 200 }], 1, [['a', 100 + 101 + 103 + 104 + 300, 5], ['b', 200, 1]]],
    ['a cgroup that could not be read counts as none', [{ name: 'a', pid: 100, cgroupPids: [] }, { name: 'b', pid: 200, cgroupPids: [200] }], 1, [['a', 100 + 101 + 103 + 104, 4], ['b', 200, 1]]],
  ])('%s', (_what, units, scans, expected) => {
    const proc = source();
    const samples = sampleUnits(units, true, proc);
    expect(proc.scans).toBe(scans);
    if (scans === 0) expect(proc.reads.sort((x, y) => x - y)).toEqual([100, 101, 200, 300]);
    expect(samples.map((sample) => [sample.name, sample.usage.rssBytes, sample.usage.processes])).toEqual(expected);
  });

  it('leaves out a unit whose main process is gone, and reads nothing without units', () => {
    const proc = source();
    expect(sampleUnits([{ name: 'gone', pid: 999 }], false, proc)).toEqual([]);
    expect(sampleUnits([], false, proc)).toEqual([]);
    expect(proc.scans).toBe(1);
  });
});
