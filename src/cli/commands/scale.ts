// `compute scale NAME=N...`: run N replicas of a unit now, starting or stopping only the difference.
import { parseCommandArgs, parseNonNegativeInt, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { parseScale } from '../scale.js';
import { DEFAULT_TIMEOUT_MS, startUp } from './up.js';

const HELP = `Usage: compute scale [-f FILE]... [--json] [--timeout MS] NAME=N...

Runs N replicas of unit NAME (NAME-1 … NAME-N, each with its own PORT and REPLICA=i), starting the
missing ones and stopping and removing those past N; the other units and replicas are left as they
are. Returns once the new replicas are ready, as \`up -d\` does. The count holds until the next
\`compute up\`, which applies the file's \`replicas\` again (as docker compose does): write it there
to keep it.
  compute scale web=3
  compute scale web=1 worker=4

Options:
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --profile NAME    a profile to activate (repeatable), as for up
  --json            print the outcome as JSON
  --timeout MS      how long to wait for the replicas to settle (default ${DEFAULT_TIMEOUT_MS})
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 done; 1 a replica failed or the timeout passed; 2 config or usage error.
`;

const OPTIONS = { ...PROJECT_OPTIONS, json: { type: 'boolean' }, timeout: { type: 'string' } } as const;

/** Scales units; see HELP. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('scale', args, OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new CLIError('usage: compute scale NAME=N... (for example web=3)', EXIT.usage);
  const scale = parseScale(positionals);
  return startUp(values, {
    files: values.file ?? [],
    profiles: values.profile ?? [],
    only: Object.keys(scale),
    timeoutMs: parseNonNegativeInt('timeout', values.timeout) ?? DEFAULT_TIMEOUT_MS,
    json: values.json ?? false,
    detach: true,
    watch: false,
    abortOnExit: false,
    scale,
  }, io);
};
