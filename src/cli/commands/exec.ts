// `compute exec NAME -- CMD [ARGS]`: a command run once in a unit's folder with the unit's environment.
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { directCommand, NoDirectWay } from '../../host/direct.js';
import { runDirect } from '../direct.js';
import { asCLIError, connectTarget, findTarget, hostTargetOf, readUnits, selectUnits } from '../target.js';

const HELP = `Usage: compute exec [-f FILE]... [-T] NAME -- CMD [ARG...]

Runs CMD in unit NAME's place: in its folder (its path or working_dir), with the environment its
process has (the daemon's own, then the sandbox's envs, env_file and environment, its PORT and, for
a replica, REPLICA; not the variables that mark a unit's processes), as its user, and exits with
CMD's exit code (128 + N when signal N ended it). On this machine (provider local) and in a bwrap
sandbox, CMD gets this terminal: a TTY stays a TTY (an interactive shell works; TERM is this
terminal's), piped input is read, Ctrl-C goes to CMD. In a cloud provider's sandbox CMD runs through
its command API instead: no TTY and no input, its output printed when it ends (a line on stderr says
so when stdin is a terminal or a pipe). A replicated unit's name means its first replica (exec web-2
for another). CMD is not one of the unit's processes: stop and restart leave it alone.
  compute exec api -- npm test
  compute exec db -- redis-cli -p 6390 ping
  compute exec web -- sh
  echo 'select 1' | compute exec db -- psql

Options:
  -T, --no-tty      never give CMD a TTY: what is a terminal here reaches it through pipes
                    (input is still read), as docker compose exec -T
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: CMD's own (127 when it cannot be found, 126 when it cannot be run); 1 the daemon is not
running or failed; 2 config or usage error (an unknown unit).
`;

const OPTIONS = { ...PROJECT_OPTIONS, 'no-tty': { type: 'boolean', short: 'T' } } as const;

// One argument for /bin/sh -c, quoted so that the shell sees exactly that word.
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

// True when stdin is something a user means the command to read: a terminal, a pipe or a file (not /dev/null).
function hasInput(): boolean {
  if (isatty(0)) return true;
  const info = (() => {
    try {
      return fstatSync(0);
    } catch {
      return undefined;
    }
  })();
  return info !== undefined && (info.isFIFO() || info.isSocket() || info.isFile());
}

/** Runs the command in the unit's folder and environment; its exit code is the command's. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('exec', args, OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const [name, ...command] = positionals;
  if (name === undefined || command.length === 0) throw new CLIError('usage: compute exec NAME -- CMD [ARG...]', EXIT.usage);
  const target = await findTarget(values, io, true);
  const client = await connectTarget(target, io);
  if (!client) throw new CLIError("the project's daemon is not running (compute up starts it)", EXIT.failed);
  try {
    const { ours } = await readUnits(target, client);
    // `web` of replicas web-1 … is its first replica.
    const [selected] = selectUnits(target.spec, ours, [name]);
    const unit = ours.find((state) => state.name === selected);
    if (!unit) throw new CLIError(`unit ${name} does not exist yet: run compute up`, EXIT.usage);
    const terminal = values['no-tty'] !== true;
    const direct = await directCommand(hostTargetOf(target), client, unit, command, { terminal }).catch((error: unknown) => {
      if (error instanceof NoDirectWay) return error;
      throw new CLIError(error instanceof Error ? error.message : String(error), EXIT.failed, { cause: error });
    });
    if (!(direct instanceof NoDirectWay)) return await runDirect(direct, command[0] as string, io, terminal);
    if (hasInput()) io.stderr(`compute: no TTY for exec (${direct.message}): the command gets no input, and its output is printed when it ends\n`);
    const env = { ...unit.spec.env, ...(unit.port === undefined ? {} : { PORT: String(unit.port) }) };
    const result = await client.runCommand(command.map(shellWord).join(' '), { cwd: unit.spec.cwd, env });
    io.stdout(result.stdout);
    io.stderr(result.stderr);
    return result.exit_code ?? EXIT.failed;
  } catch (error) {
    throw asCLIError(error);
  } finally {
    await client.close();
  }
};
