// `compute up`: apply compute.yaml to the project's sandbox, then follow the logs, or return (-d), or keep
// re-applying on every save (--watch). This module is what `up` loads first: it parses the arguments and starts the
// project's daemon (when none runs), and only then loads the rest (./_up-session.ts) while that daemon starts.
import { parseCommandArgs, parseNonNegativeInt, PROJECT_OPTIONS } from '../args.js';
import { startEarlyDaemon } from '../early-daemon.js';
import { CLIError, EXIT } from '../errors.js';
import { parseScale } from '../scale.js';
import type { CliIO, Command } from '../io.js';
import type { ProjectOptions } from '../project.js';

/** How long `up` waits for the units to settle unless told (`--timeout`). */
export const DEFAULT_TIMEOUT_MS = 300_000;

const HELP = `Usage: compute up [-f FILE]... [--profile NAME]... [-d|--wait] [--watch] [--json] [--timeout MS] [--abort-on-exit] [--exit-code-from NAME] [--scale NAME=N]... [NAME...]

Makes the project's sandbox match compute.yaml: plans against what runs, applies only the difference (units
start as soon as their own needs are met), and waits until every unit is ready or completed.

  (default)      show progress, then follow the logs of all units; Ctrl-C stops the stack gracefully
                 (dependents first) and exits 130; a second Ctrl-C exits at once
  -d, --detach   return once every unit is ready or completed; the stack keeps running
  --wait         the same as -d (docker compose's spelling), alone or with it
  --watch        re-apply on every save of the compose files, their env_files and .env; an invalid edit
                 changes nothing that runs
  --json         print the outcome as JSON (per unit: name, kind, action, status)
  --timeout MS   how long to wait for the units to settle (default ${DEFAULT_TIMEOUT_MS})
  --abort-on-exit
                 in the foreground, stop the stack once any unit has exited; exit 0 if it completed, else 1
  --exit-code-from NAME
                 stop the stack once NAME has exited, and exit with NAME's exit code (a test suite run
                 against the stack in CI); implies --abort-on-exit
  --scale NAME=N run N replicas of NAME (NAME-1 … NAME-N) instead of the file's \`replicas\` (repeatable)
  NAME...        only these units and what they need (a NAME's profiles are activated; a replicated
                 unit's name stands for all its replicas)
  -f, --file     a compose file (repeatable; default ./compute.yaml, then ./compute.yml, with
                 compute.override.yaml beside it merged over it)
  --profile NAME also start the units of profile NAME (repeatable; also COMPUTE_PROFILES=a,b; '*' for
                 all); a unit another needs starts with it. Units of other profiles are not created, and
                 left alone if they run
  --state-dir    where the project's sandbox lives (default .compute/ beside the first file)

Exit codes: 0 done; 1 a unit failed or the timeout passed; 2 config or usage error; 130 interrupted.
`;

const OPTIONS = {
  ...PROJECT_OPTIONS,
  detach: { type: 'boolean', short: 'd' },
  wait: { type: 'boolean' },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  'abort-on-exit': { type: 'boolean' },
  'exit-code-from': { type: 'string' },
  scale: { type: 'string', multiple: true },
} as const;

/** What `up` was asked to do. */
export interface UpOptions {
  files: string[];
  /** `--profile` names (COMPUTE_PROFILES is added when the config is read). */
  profiles: string[];
  only: string[];
  timeoutMs: number;
  json: boolean;
  detach: boolean;
  watch: boolean;
  /** Stop the stack once any unit (or, with exitCodeFrom, that unit) has exited, and exit with its code. */
  abortOnExit: boolean;
  exitCodeFrom?: string;
  /** `--scale NAME=N`: replica counts over the file's `replicas`. */
  scale: Record<string, number>;
}

/** Applies the config; see HELP. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('up', args, OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const options: UpOptions = {
    files: values.file ?? [],
    profiles: values.profile ?? [],
    only: positionals,
    timeoutMs: parseNonNegativeInt('timeout', values.timeout) ?? DEFAULT_TIMEOUT_MS,
    json: values.json ?? false,
    // `--wait` is compose's `up -d --wait`: return once the units are ready, so with or without -d it detaches.
    detach: (values.detach ?? false) || (values.wait ?? false),
    watch: values.watch ?? false,
    // compose's --exit-code-from implies --abort-on-container-exit.
    abortOnExit: (values['abort-on-exit'] ?? false) || values['exit-code-from'] !== undefined,
    ...(values['exit-code-from'] === undefined ? {} : { exitCodeFrom: values['exit-code-from'] }),
    scale: parseScale(values.scale ?? []),
  };
  if (options.abortOnExit && (options.detach || options.watch)) {
    throw new CLIError('--abort-on-exit and --exit-code-from run in the foreground: not with -d, --wait or --watch', EXIT.usage);
  }
  return startUp(values, options, io);
};

/** Runs an `up` whose options are parsed (also `compute scale`'s): the daemon started early, then the session. */
export async function startUp(values: ProjectOptions, options: UpOptions, io: CliIO): Promise<number> {
  const early = await startEarlyDaemon(values, io);
  let session: typeof import('./_up-session.js');
  try {
    session = await import('./_up-session.js');
  } catch (error) {
    await early?.cancel();
    throw error;
  }
  return session.up(values, options, io, early);
}
