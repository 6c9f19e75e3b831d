// Argument parsing for every command, on node:util parseArgs, with usage errors as CLIError (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CLIError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every project command takes: which compose files, and where the project's state lives. */
export const PROJECT_OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'state-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Parses a command's raw arguments; unknown flags and missing values become a usage error naming the command. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CLIError(`${command}: ${message}`);
  }
}

/** Parses a flag that must be a non-negative integer (a timeout, a count). */
export function parseNonNegativeInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CLIError(`Expected --${flag} to be a non-negative integer, got "${value}"`);
  return Number(value);
}
