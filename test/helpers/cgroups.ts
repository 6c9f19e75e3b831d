// Checks on what a stop leaves: processes found by a marker in their arguments, and a sandbox's unit cgroups.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { chosenHierarchies, SandboxCgroups } from '../../src/daemon/units/cgroup.js';

/**
 * Whether the cgroup tests run: as root (CI runs as root, so CI=true never skips them: a CI that is not root fails
 * them instead of passing by skipping).
 */
export const cgroupTestsRun = process.getuid?.() === 0 || process.env.CI === 'true';

/** A number to put in the arguments of the processes of one test (`sleep 1000.<marker>`), to find them in /proc. */
export function newMarker(): string {
  return String(Math.floor(Math.random() * 1e9)).padStart(9, '1');
}

/** Live processes whose command line contains `marker`, with their command lines. */
export function processesWith(marker: string): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (command.includes(marker)) found.push({ pid: Number(entry), command: command.trim() });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** The cgroup a pid is in, in the hierarchy the daemon uses (a path inside it); undefined when unknown. */
export function cgroupOf(pid: number): string | undefined {
  const hierarchy = chosenHierarchies()[0];
  if (!hierarchy) return undefined;
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const controller = hierarchy.kind === 'v2' ? '' : hierarchy.kind;
  const line = lines.find((entry) => entry.split(':')[1]?.split(',').includes(controller));
  return line?.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
}

/** The folder of the unit cgroups of the sandbox whose state folder is `stateDir` (it may not exist). */
export function sandboxCgroupDir(stateDir: string): string | undefined {
  const hierarchy = chosenHierarchies()[0];
  return hierarchy ? new SandboxCgroups(hierarchy, realPath(stateDir)).dir : undefined;
}

// The sandbox id a daemon of `stateDir` had: its real path, also once a test has deleted it.
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path === dirname(path) ? path : join(realPath(dirname(path)), basename(path));
  }
}

/** Test clean-up: SIGKILLs what a sandbox's unit cgroups still hold and removes them; returns the pids it found. */
export async function removeSandboxCgroups(dir: string | undefined): Promise<number[]> {
  if (!dir || !existsSync(dir)) return [];
  const found: number[] = [];
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith('u-')) continue;
    const procs = readFileSync(join(dir, entry, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    found.push(...procs);
    for (const pid of procs) process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        rmdirSync(join(dir, entry));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
  rmdirSync(dir);
  return found;
}

/**
 * The hierarchies a cgroup test runs on, for describe.each: the machine's best (here the v1 freezer; pure v2 elsewhere),
 * and, as root, a cgroup v2 tree mounted for the block with useMountedCgroupV2 (as on a hybrid machine).
 */
export const TRACKING_HIERARCHIES = [
  { name: "the machine's best cgroup hierarchy", v2: false },
  { name: 'a cgroup v2 tree (COMPUTE_CGROUP=v2)', v2: true },
].filter(({ v2 }) => !v2 || cgroupTestsRun);

/**
 * For a describe block whose tests run as root: mounts a cgroup v2 tree in a temp folder (beside the machine's v1
 * controllers, as on a hybrid machine) and sets COMPUTE_CGROUP=v2, so that the daemons started in it track units
 * there; unmounted after the block. Without root it does nothing (cgroupTestsRun is false, and CI is root).
 */
export function useMountedCgroupV2(): void {
  let mount: string | undefined;
  const before = process.env.COMPUTE_CGROUP;
  beforeAll(() => {
    if (!cgroupTestsRun) return;
    mount = mkdtempSync(join(tmpdir(), 'compute-cgroup2-'));
    execFileSync('mount', ['-t', 'cgroup2', 'none', mount]);
    process.env.COMPUTE_CGROUP = 'v2';
  });
  afterAll(() => {
    if (before === undefined) delete process.env.COMPUTE_CGROUP;
    else process.env.COMPUTE_CGROUP = before;
    if (!mount) return;
    try {
      // The tests removed their sandboxes' cgroups; `compute/` is what the daemons made above them.
      if (existsSync(join(mount, 'compute'))) rmdirSync(join(mount, 'compute'));
    } finally {
      // Unmounted even when a failed test left a cgroup in it (the tree outlives its mount point, not the reverse).
      execFileSync('umount', [mount]);
      rmdirSync(mount);
    }
  });
}
