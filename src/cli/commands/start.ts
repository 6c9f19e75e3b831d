// `compute start`: starts units that exist in the project's sandbox (and what they need), and waits for them.
import { DEFAULT_SETTLE_TIMEOUT_MS } from '../output/settle.js';
import { settlingCommand } from './_settling.js';

const HELP = `Usage: compute start [-f FILE]... [--timeout MS] [NAME...]

Starts units that \`compute up\` created and that were stopped (every unit of the project
when no NAME is given), and the units they need, as the daemon orders them. Waits until
each named unit is ready (or completed), then prints one line per unit:
  api  ready  http://localhost:3000
A unit that fails or does not settle in time is named, with the last lines of its logs.
The units keep starting in the sandbox when the command is interrupted.

Options:
  --timeout MS      how long to wait for the units to settle (default ${DEFAULT_SETTLE_TIMEOUT_MS}, 5 minutes)
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 every unit ready or completed; 1 one failed or timed out; 2 config or usage
error (a unit that does not exist yet: run compute up); 130 interrupted.
`;

/** Starts the units and reports how each settled. */
export const run = settlingCommand('start', HELP, (client, names) => client.startUnits(names));
