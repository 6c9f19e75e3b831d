// `compute restart`: restarts units of the project's sandbox in parallel, and waits for them.
import { DEFAULT_SETTLE_TIMEOUT_MS } from '../output/settle.js';
import { settlingCommand } from './_settling.js';

const HELP = `Usage: compute restart [-f FILE]... [--timeout MS] [NAME...]

Restarts units (every unit of the project when no NAME is given), all at once: each
process is stopped gracefully and started again, without re-running install. The
config is not re-read: to apply changes to compute.yaml, run \`compute up\`.
Waits until each unit is ready (or completed), then prints one line per unit:
  api  ready  http://localhost:3000
A unit that fails or does not settle in time is named, with the last lines of its logs.

Options:
  --timeout MS      how long to wait for the units to settle (default ${DEFAULT_SETTLE_TIMEOUT_MS}, 5 minutes)
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 every unit ready or completed; 1 one failed or timed out; 2 config or usage
error (a unit that does not exist yet: run compute up); 130 interrupted.
`;

/** Restarts the units and reports how each settled. */
export const run = settlingCommand('restart', HELP, (client, names) => Promise.all(names.map((name) => client.restartUnit(name))));
