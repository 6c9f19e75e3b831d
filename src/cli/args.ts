// Argument parsing for every command, on node:util parseArgs, with usage errors as CLIError (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { suggest } from '../config/suggest.js';
import { CLIError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every project command takes: which compose files and profiles, and where the project's state lives. */
export const PROJECT_OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  profile: { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Parses a command's raw arguments; unknown flags and missing values become one short usage line naming the command. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new CLIError(usageLine(`compute ${command}`, error, options));
  }
}

/**
 * Node's parseArgs error as one line in our words, with a did-you-mean for an unknown option:
 * `unknown option --detatch for compute up; did you mean --detach?` (its own text is long and quotes badly).
 */
export function usageLine(command: string, error: unknown, options: Options): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted} for ${command}${optionHint(quoted, options) ?? ` (${command} --help lists them)`}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument "${quoted}" for ${command} (it takes none)`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = `--${/--([\w-]+)/.exec(quoted)?.[1] ?? quoted}`;
    return message.includes('does not take an argument') ? `option ${flag} of ${command} takes no value` : `option ${flag} of ${command} needs a value`;
  }
  return `${command}: ${message.split('\n')[0]}`;
}

// `; did you mean --detach?` for the option closest to the one given, by edit distance.
function optionHint(given: string, options: Options): string | undefined {
  const long = given.startsWith('--');
  const word = given.replace(/^--?/, '').split('=')[0] as string;
  if (!long) return undefined;
  const best = suggest(word, Object.keys(options));
  return best === undefined ? undefined : `; did you mean --${best}?`;
}

/** The usage line for a command that does not exist, with the closest one: `unknown command "upp"; did you mean "up"?`. */
export function unknownCommand(name: string, commands: Iterable<string>): string {
  const best = suggest(name, commands);
  return best === undefined ? `unknown command "${name}" (compute --help lists the commands)` : `unknown command "${name}"; did you mean "${best}"?`;
}

// Options that may come before the command, as in `docker compose -f x.yaml logs -f`, and whether they take a value.
const GLOBAL = new Map<string, string>([
  ['-f', '--file'],
  ['--file', '--file'],
  ['--state-dir', '--state-dir'],
  ['--profile', '--profile'],
]);

/**
 * Splits `compute [GLOBAL...] COMMAND ARGS`: `-f FILE`, `--profile NAME` and `--state-dir DIR` before the command are its options,
 * given to it first as `--file FILE`, so that `compute -f x.yaml logs -f` follows (the later `-f` is the command's).
 * `name` is the first other word (a `-h` or `-v` too); undefined when there is none.
 */
export function splitGlobalOptions(argv: readonly string[]): { globals: string[]; name: string | undefined; rest: string[] } {
  const globals: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const long = GLOBAL.get(flag);
    if (long === undefined) break;
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CLIError(`option ${long} needs a value`);
    globals.push(long, value);
  }
  const name = argv[i];
  if (name !== undefined && name.startsWith('-') && !['-h', '--help', '-v', '--version'].includes(name)) {
    const best = suggest(name.replace(/^--?/, ''), ['file', 'state-dir', 'profile', 'help', 'version']);
    throw new CLIError(`unknown option ${name} before the command${best ? `; did you mean --${best}?` : ' (only -f FILE, --profile NAME and --state-dir DIR go there)'}`);
  }
  return { globals, name, rest: argv.slice(i + 1) };
}

/** Parses a flag that must be a non-negative integer (a timeout, a count). */
export function parseNonNegativeInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CLIError(`Expected --${flag} to be a non-negative integer, got "${value}"`);
  return Number(value);
}
