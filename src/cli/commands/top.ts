// `compute top`: what each running unit uses, CPU and memory summed over its processes, printed once.
import type { UnitStats } from '../../contract/wire.js';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { renderTopTable, topRows } from '../output/top.js';
import { asCLIError, connectTarget, findTarget, readUnits, selectUnits } from '../target.js';

const HELP = `Usage: compute top [NAME...] [-f FILE]... [--json]

Prints once what each running unit of the project uses (all of them, or the NAMEs), in
dependency order:
  NAME  PID  CPU %  RSS (MiB)  PROCS
summed over the unit's processes: its main process and every process it started (with a
cgroup per unit, also those that left its process tree). CPU % is measured by the daemon
over 250 ms (100 = one core busy; - when the unit restarted meanwhile); RSS is resident
memory. Units that have no process now are not listed.

Options:
  --json            an array of {name, pid, cpu_percent, rss_bytes, processes, cpu_ms}
                    (cpu_ms: the CPU time used since the unit's process started)
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help
`;

const OPTIONS = { ...PROJECT_OPTIONS, json: { type: 'boolean' } } as const;

/** Prints the resource use of the project's running units; exit 0 whether or not its daemon runs. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('top', args, OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const target = await findTarget(values, io, true);
  const client = await connectTarget(target, io, true);
  let order: string[] = [];
  let stats: UnitStats[] = [];
  try {
    if (client) {
      const { ours } = await readUnits(target, client);
      order = selectUnits(target.spec, ours, positionals, true);
      stats = (await client.stats()).units;
    }
  } catch (error) {
    throw asCLIError(error);
  } finally {
    await client?.close();
  }
  const rows = topRows(order, stats);
  io.stdout(values.json ? `${JSON.stringify(rows, null, 2)}\n` : renderTopTable(rows));
  if (!client) io.stderr("compute: the project's daemon is not running (compute up starts it)\n");
  return EXIT.ok;
};
