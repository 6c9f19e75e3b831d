// `compute sandbox ls|destroy`: the project's provider sandboxes, as its state folder records them.
import { listSandboxes } from '../../host/index.js';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import { destroyHostSandbox, hostError, providerOf } from '../host.js';
import type { Command } from '../io.js';
import { renderSandboxTable, sandboxJson } from '../output/sandboxes.js';
import { findTarget, hostTargetOf } from '../target.js';

const HELP = `Usage: compute sandbox ls [-f FILE]... [--json]
       compute sandbox destroy [-f FILE]...

ls lists the provider sandboxes the project's state folder records (sandbox.provider other
than local), each asked of its provider and of compute's agent in it:
  PROVIDER  ID  NAME  STATUS  URL  AGE  UNITS
STATUS is running, or gone when the provider no longer has it (the next compute up creates
a new one); URL is the agent's; UNITS what it runs (- when it does not answer).
destroy destroys the project's sandbox, with everything running in it, and forgets it
(compute down --destroy first stops the units gracefully).

Options:
  --json            (ls) an array of {provider, id, name, namespace, status, url, created_at,
                    age_ms, units}, null where unknown
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 done; 1 the provider failed; 2 usage error or a provider that is not installed.
`;

const OPTIONS = { ...PROJECT_OPTIONS, json: { type: 'boolean' } } as const;

/** Lists or destroys the project's provider sandboxes. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('sandbox', args, OPTIONS, true);
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    io.stdout(HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if ((action !== 'ls' && action !== 'destroy') || rest.length > 0) throw new CLIError(`usage: compute sandbox ls|destroy (got "${positionals.join(' ')}")`, EXIT.usage);
  if (values.json && action !== 'ls') throw new CLIError('--json goes with compute sandbox ls', EXIT.usage);
  const host = hostTargetOf(await findTarget(values, io, true));
  if (action === 'destroy') {
    if (providerOf(host) === 'local') {
      io.stdout('the local provider has no sandbox to destroy (its files stay in .compute/; compute down stops its units)\n');
      return EXIT.ok;
    }
    const destroyed = await destroyHostSandbox(host);
    io.stdout(destroyed ? `destroyed sandbox ${destroyed}\n` : 'no sandbox to destroy\n');
    return EXIT.ok;
  }
  let listings;
  try {
    listings = await listSandboxes(host);
  } catch (error) {
    throw hostError(error, providerOf(host));
  }
  io.stdout(values.json ? `${JSON.stringify(sandboxJson(listings), null, 2)}\n` : renderSandboxTable(listings));
  return EXIT.ok;
};
