// `compute ps`: the project's units with their status, as a table or as JSON.
import type { UnitState } from '../../contract/unit.js';
import type { DaemonProblem } from '../../contract/wire.js';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { stylerFor } from '../output/style.js';
import { SandboxApiError, type SandboxClient } from '../../sdk/index.js';
import { asCLIError, connectTarget, findTarget, readUnits } from '../target.js';
import { healthOf, renderUnitTable, unitRows, type UnitUsage } from '../output/units.js';

const HELP = `Usage: compute ps [-f FILE]... [--json]

Lists the project's units in dependency order (needs first), then units its sandbox
still has that the file no longer names:
  NAME  KIND  STATUS  HEALTH  UPTIME  PID  PORT  URL  RESTARTS
STATUS says how a failed unit ended (failed (exit 1)), when a restarting one tries again
(restarting (SIGSEGV, next in 2 s)), and when a stop came to SIGKILL (stopped (killed after
stop_timeout_ms)); UPTIME is how long its process has run (12s, 4m, 2h, 3d), - without one.
When the project's daemon is not running, the file's units are listed as "not created";
but when it died leaving units running (its state file records them), a new daemon is
started first, which takes them over, and they are listed as they are.
A broken compose file is reported as a warning; the daemon's units are listed anyway.
When the daemon cannot save its state (a full disk), a one-line warning says so on stderr.

Options:
  --json            an array of {name, kind, status, healthy, pid, port, url, restart_count,
                    exit_code, last_exit, next_restart_at, next_restart_in_ms, reason, message,
                    started_at, uptime_ms, rss_bytes, cpu_percent}, null where unknown; reason is
                    data ({kind, ...}), message the same in words; rss_bytes and cpu_percent are
                    summed over the unit's processes, cpu_percent averaged since its start (compute
                    top shows the current use)
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help
`;

const OPTIONS = { ...PROJECT_OPTIONS, json: { type: 'boolean' } } as const;

/** Prints the units of the project; exit 0 whether or not its daemon runs. */
export const run: Command = async (args, io) => {
  const { values } = parseCommandArgs('ps', args, OPTIONS);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const target = await findTarget(values, io, true);
  const client = await connectTarget(target, io, true);
  let states: UnitState[] = [];
  let problems: DaemonProblem[] = [];
  let usage = new Map<string, UnitUsage>();
  try {
    if (client) {
      states = (await readUnits(target, client)).ours;
      problems = (await client.health()).problems ?? [];
      // Only the JSON has these fields; one sample, no wait (the average since the start needs no second one).
      if (values.json) usage = await measuredUsage(client);
    }
  } finally {
    await client?.close();
  }
  const rows = unitRows(target.spec, states, usage);
  // On stderr, in both formats: the table (or JSON) stays what scripts parse, and the warning is seen.
  for (const problem of problems) io.stderr(`${problemLine(problem)}\n`);
  if (values.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const byName = new Map(states.map((state) => [state.name, state]));
  io.stdout(renderUnitTable(rows, (name) => healthOf(byName.get(name)), stylerFor(io)));
  if (!client) io.stderr('compute: the project\'s daemon is not running (compute up starts it)\n');
  return EXIT.ok;
};

// What the daemon measured of its running units; nothing from a daemon older than GET /v1/stats (404).
async function measuredUsage(client: SandboxClient): Promise<Map<string, UnitUsage>> {
  try {
    return new Map((await client.stats({ intervalMs: 0 })).units.map((unit) => [unit.name, unit]));
  } catch (error) {
    if (error instanceof SandboxApiError && error.status === 404) return new Map();
    throw asCLIError(error);
  }
}

/** The one-line warning for a problem the daemon reports, e.g. a state disk that is full. */
export function problemLine(problem: DaemonProblem): string {
  const tries = `${problem.attempts} failed attempt${problem.attempts === 1 ? '' : 's'}`;
  return `compute: warning: the daemon cannot save ${problem.path} (${problem.code}) since ${problem.since}, ${tries}; it keeps supervising and retries, but a restart now would lose recent changes`;
}
