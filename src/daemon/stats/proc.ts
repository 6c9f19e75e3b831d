// Reading processes from /proc for resource use: the fields of /proc/PID/stat and the VmRSS of /proc/PID/status.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Clock ticks per second of the times in /proc/PID/stat (USER_HZ). Why a constant: Node cannot call
 * sysconf(_SC_CLK_TCK), and the kernel reports these times in USER_HZ, which is 100 on every architecture we run on.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** One process as its /proc/PID/stat line shows it; times in clock ticks. */
export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie), T, ... */
  state: string;
  ppid: number;
  pgid: number;
  /** utime + stime: its own CPU time, all its threads. */
  ownTicks: number;
  /** cutime + cstime: the CPU time of its children that ended and that it waited for. */
  childTicks: number;
  /** When it started, in ticks since boot: tells a process from a later one with the same pid. */
  startTime: number;
}

/** Parses a /proc/PID/stat line; undefined when it is not one. */
export function parseStat(text: string): ProcStat | undefined {
  // The command name in (...) may hold spaces and parentheses: the fields after its last ')' are fixed.
  const close = text.lastIndexOf(')');
  const open = text.indexOf(' (');
  if (close < 0 || open < 0) return undefined;
  const pid = Number(text.slice(0, open));
  // fields[0] is field 3 (state) of proc(5); utime is field 14, stime 15, cutime 16, cstime 17, starttime 22.
  const fields = text.slice(close + 2).trimEnd().split(' ');
  const number = (field: number) => Number(fields[field - 3]);
  const values = [pid, number(4), number(5), number(14), number(15), number(16), number(17), number(22)];
  if (fields.length < 20 || !values.every(Number.isSafeInteger)) return undefined;
  return {
    pid,
    state: fields[0] ?? '',
    ppid: number(4),
    pgid: number(5),
    ownTicks: number(14) + number(15),
    childTicks: number(16) + number(17),
    startTime: number(22),
  };
}

/** The resident memory of a /proc/PID/status text, in bytes; 0 without a VmRSS line (a zombie, a kernel thread). */
export function parseVmRss(text: string): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Every process of the machine (that this process may see), from /proc; those that end meanwhile are left out. */
export function readAllProcesses(): ProcStat[] {
  const found: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    const code = entry.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const stat = readProcess(Number(entry));
    if (stat) found.push(stat);
  }
  return found;
}

/** One process from /proc, or undefined when it is gone. */
export function readProcess(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The resident memory of a process in bytes; 0 when it is gone. */
export function readRss(pid: number): number {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return 0;
  }
}
