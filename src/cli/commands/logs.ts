// `compute logs`: the output of the project's units, merged by time, or followed until Ctrl-C.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandArgs, parseNonNegativeInt, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { followLogs, printLogs } from '../output/logs.js';
import { asCLIError, connectTarget, findTarget, readUnits, selectUnits } from '../target.js';

const HELP = `Usage: compute logs [-f FILE]... [-f|--follow] [--stream stdout|stderr] [--tail N] [--timestamps] [NAME...]

Prints the output of the project's units (or of the units named), each line prefixed
with the unit's name: "api | listening on 3000". Without --follow, every unit's retained
lines are merged by the time they were written. With --follow, lines are printed as they
come, across restarts, until Ctrl-C (then the exit code is 0, as with docker compose),
or until every followed unit is removed.
A broken compose file is reported as a warning; the daemon's units are shown anyway.

Options:
  -f, --follow      keep printing new lines. -f followed by a compose file (a name ending
                    in .yaml or .yml, or an existing file) is --file, as in every command:
                    \`compute logs -f dev.yaml -f api\` follows api of dev.yaml
  --stream STREAM   only stdout or only stderr (default: both)
  --tail N          only the last N lines of each unit (with --follow: then the new ones)
  --timestamps      prefix each line with the time the daemon read it (ISO 8601, UTC)
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 done (also after Ctrl-C with --follow); 1 the daemon failed; 2 config or usage error.
`;

const OPTIONS = {
  ...PROJECT_OPTIONS,
  follow: { type: 'boolean' },
  stream: { type: 'string' },
  tail: { type: 'string' },
  timestamps: { type: 'boolean' },
} as const;

/** Prints or follows the logs; a project whose daemon is not running has none to show (exit 0). */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('logs', disambiguateF(args, (path) => isFile(resolve(io.cwd, path))), OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const stream = parseStream(values.stream);
  const tail = parseNonNegativeInt('tail', values.tail);
  const options = { ...(stream ? { stream } : {}), ...(tail === undefined ? {} : { tail }), timestamps: values.timestamps ?? false };
  const target = await findTarget(values, io, true);
  const client = await connectTarget(target, io);
  try {
    const names = selectUnits(target.spec, client ? (await readUnits(target, client)).ours : [], positionals, true);
    if (!client || names.length === 0) {
      io.stderr(`compute: no logs: ${client ? 'the project has no units in its sandbox' : "the project's daemon is not running"} (compute up starts it)\n`);
      return EXIT.ok;
    }
    if (!values.follow) {
      await printLogs(client, io, names, options).catch((error: unknown) => Promise.reject(asCLIError(error)));
      return EXIT.ok;
    }
    const signal = io.signal ?? new AbortController().signal;
    await followLogs(client, io, names, { ...options, signal }).done;
    return EXIT.ok;
  } finally {
    await client?.close();
  }
};

/**
 * Rewrites each `-f` as `--file` when a compose file follows it, else as `--follow`: `logs -f` means follow (as in
 * docker compose) while every command takes `-f FILE`. Nothing after `--` is touched.
 */
export function disambiguateF(args: readonly string[], isFile: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return [...out, ...args.slice(i)];
    if (arg !== '-f') {
      out.push(arg);
      continue;
    }
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('-') && (/\.ya?ml$/i.test(next) || isFile(next))) {
      out.push('--file', next);
      i++;
    } else {
      out.push('--follow');
    }
  }
  return out;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function parseStream(value: string | undefined): 'stdout' | 'stderr' | undefined {
  if (value === undefined || value === 'stdout' || value === 'stderr') return value;
  throw new CLIError(`Expected --stream to be stdout or stderr, got "${value}"`, EXIT.usage);
}
