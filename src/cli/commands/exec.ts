// `compute exec NAME -- CMD [ARGS]`: a command run once in a unit's folder with the unit's environment.
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { asCLIError, connectTarget, findTarget, readUnits, selectUnits } from '../target.js';

const HELP = `Usage: compute exec [-f FILE]... NAME -- CMD [ARG...]

Runs CMD once in the sandbox, in unit NAME's folder (its path or working_dir), with the unit's
environment (the sandbox's envs, env_file and environment, and PORT when it has one), and
exits with CMD's exit code. Its output is printed when it ends (not interactive: no TTY).
  compute exec api -- npm test
  compute exec db -- redis-cli -p 6390 ping

Options:
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: CMD's own; 1 the daemon failed; 2 config or usage error (an unknown unit).
`;

// One argument for /bin/sh -c, quoted so that the shell sees exactly that word.
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Runs the command in the unit's folder and environment; its exit code is the command's. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('exec', args, PROJECT_OPTIONS, true);
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
    selectUnits(target.spec, ours, [name]);
    const unit = ours.find((state) => state.name === name);
    if (!unit) throw new CLIError(`unit ${name} does not exist yet: run compute up`, EXIT.usage);
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
