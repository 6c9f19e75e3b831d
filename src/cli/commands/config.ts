// `compute config`: prints the resolved config (merged, interpolated, paths absolute), secrets hidden.
import { stringify } from 'yaml';
import { maskSecrets } from '../../config/index.js';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { loadChecked } from './validate.js';

const HELP = `Usage: compute config [-f FILE]... [--profile NAME]... [--json] [--show-secrets]

Prints the config as compute reads it: the files merged in order, \${VAR} replaced,
relative paths made absolute, x- extensions left out, and only the units of the
active profiles (a unit without profiles always is). Values of keys that look
secret (*_KEY, *TOKEN*, *SECRET*, *PASSWORD*) are shown as *** unless --show-secrets.
Exit 2 with every error (file:line:col: message) when the config is invalid.

Options:
  -f, --file FILE      a compose file (repeatable; default ./compute.yaml, then ./compute.yml,
                       with compute.override.yaml beside it merged over it)
  --profile NAME       activate the units of profile NAME (repeatable; also COMPUTE_PROFILES=a,b; '*' for all)
  --json               print JSON instead of YAML
  --show-secrets       print secret-looking values as they are
  --state-dir DIR      accepted for symmetry with the other commands; not used
  -h, --help           show this help
`;

const OPTIONS = {
  ...PROJECT_OPTIONS,
  json: { type: 'boolean' },
  'show-secrets': { type: 'boolean' },
} as const;

/** Prints the resolved config on stdout (YAML, or JSON with --json); exit 2 with the errors when it is invalid. */
export const run: Command = async (args, io) => {
  const { values } = parseCommandArgs('config', args, OPTIONS);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const result = await loadChecked(values.file ?? [], io, { profiles: values.profile ?? [], restartHashes: false });
  if (!result.spec || !result.resolved) return EXIT.usage;
  const shown = values['show-secrets'] ? result.resolved : maskSecrets(result.resolved);
  io.stdout(values.json ? `${JSON.stringify(shown, null, 2)}\n` : stringify(shown, { lineWidth: 0 }));
  return EXIT.ok;
};
