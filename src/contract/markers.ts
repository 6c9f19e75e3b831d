// The processes of a sandbox found by the markers in their environment, with nothing but /proc: light enough for the
// CLI to ask before it starts a daemon (see src/cli/early-daemon.ts), and what a new daemon adopts or ends (adopt.ts).
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Environment variables that mark a process as a unit's: of which sandbox, which unit, which spec (its restart
 * hash) and which phase (`install` or `main`). A new daemon finds what an earlier one left running by them.
 */
export const SANDBOX_MARKER = 'COMPUTE_SANDBOX';
export const UNIT_MARKER = 'COMPUTE_UNIT';
export const HASH_MARKER = 'COMPUTE_UNIT_HASH';
export const PHASE_MARKER = 'COMPUTE_PHASE';

/** A process group leader carrying this sandbox's markers. */
export interface MarkedLeader {
  pid: number;
  unit: string;
  /** `install` or `main` (see env.ts Phase). */
  phase: string | undefined;
  /** The restart hash of the spec it was started from. */
  hash: string | undefined;
}

/** A live process carrying this sandbox's markers, group leader or not. */
export interface MarkedProcess extends MarkedLeader {
  leader: boolean;
}

/**
 * Process group leaders that carry this sandbox's marker in their environment. A daemon that died between spawning
 * a process and saving its pid leaves such a process unrecorded; finding it by its markers is what lets a new daemon
 * adopt it (or end it) instead of starting a second one.
 */
export function findMarkedLeaders(sandboxId: string): MarkedLeader[] {
  return findMarkedProcesses(sandboxId).flatMap(({ leader, ...found }) => (leader ? [found] : []));
}

/** Every live process that carries this sandbox's marker and a unit name in its environment. */
export function findMarkedProcesses(sandboxId: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
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
    if (!variables.includes(sandboxEntry)) continue;
    const stat = statOf(pid);
    if (!stat || stat.state === 'Z') continue;
    const value = (name: string) => variables.find((v) => v.startsWith(`${name}=`))?.slice(name.length + 1);
    const unit = value(UNIT_MARKER);
    if (unit !== undefined) found.push({ pid, unit, phase: value(PHASE_MARKER), hash: value(HASH_MARKER), leader: stat.pgid === pid });
  }
  return found;
}

function statOf(pid: number): { state: string; pgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}
