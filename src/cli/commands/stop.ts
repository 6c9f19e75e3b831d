// `compute stop`: stops units of the project's sandbox gracefully; they stay defined, for `compute start`.
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { asCLIError, connectTarget, findTarget, readUnits, selectUnits } from '../target.js';

const HELP = `Usage: compute stop [-f FILE]... [NAME...]

Stops units (every unit of the project when no NAME is given): SIGTERM to each unit's
process group, then SIGKILL after its stop_timeout_ms. Among the units stopped together,
dependents stop before what they need. Units that need a stopped unit keep running.
The units stay in the sandbox: \`compute start\` starts them again, \`compute down\` removes them.
Prints "stopped: a, b" once every process is gone.

Options:
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 stopped (or nothing to stop); 1 the daemon failed; 2 config or usage error.
`;

/** Stops the units and names them once they are stopped. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('stop', args, PROJECT_OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const target = await findTarget(values, io, false);
  const client = await connectTarget(target, io);
  try {
    const names = selectUnits(target.spec, client ? (await readUnits(target, client)).ours : [], positionals, true);
    if (!client || names.length === 0) {
      io.stdout('nothing to stop: the project has no units in its sandbox\n');
      return EXIT.ok;
    }
    await client.stopUnits(names).catch((error: unknown) => Promise.reject(asCLIError(error)));
    io.stdout(`stopped: ${[...names].reverse().join(', ')}\n`);
    return EXIT.ok;
  } finally {
    await client?.close();
  }
};
