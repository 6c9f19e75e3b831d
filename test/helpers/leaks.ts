// Processes that outlived their test: unit processes and daemons whose temp folders the tests already removed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** A process left behind, and why it counts as one. */
export interface LeakedProcess {
  pid: number;
  command: string;
  folder: string;
}

/**
 * Unit processes (marked COMPUTE_SANDBOX=<state folder>) and `compute daemon` processes (--root/--state) whose
 * folder is gone. A folder that still exists may belong to a test that is still running, so it is left alone.
 */
export function findLeakedProcesses(): LeakedProcess[] {
  const leaked: LeakedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const sandbox = environ.find((v) => v.startsWith('COMPUTE_SANDBOX='))?.slice('COMPUTE_SANDBOX='.length);
      const daemonFolder = args.includes('daemon') ? args[args.findIndex((arg) => arg === '--root' || arg === '--state') + 1] : undefined;
      const folder = sandbox ?? daemonFolder;
      // The test's own temp folder (the first one under /tmp) decides: a daemon's --root may not exist yet while it starts.
      const testFolder = folder?.startsWith('/tmp/') ? `/tmp/${folder.slice('/tmp/'.length).split('/')[0]}` : undefined;
      if (folder && testFolder && !existsSync(testFolder)) leaked.push({ pid, command: args.join(' '), folder });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return leaked;
}

/** Kills leaked processes (SIGKILL) and returns them. */
export function killLeakedProcesses(): LeakedProcess[] {
  const leaked = findLeakedProcesses();
  for (const { pid } of leaked) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return leaked;
}
