// Turning an error into one line on stderr and an exit code: for the CLI entry and for the daemon bundle's.
import { SandboxApiError } from '../sdk/errors.js';
import { CLIError, EXIT } from './errors.js';
import type { CliIO } from './io.js';

/** Prints an error as one line; a stack trace only for an unexpected error and only with COMPUTE_DEBUG=1. */
export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CLIError) {
    io.stderr(`compute: ${error.message}\n`);
    return error.exitCode;
  }
  // A daemon that failed or went away is no bug of the command: one line, exit 1 (issue 13: `internal error`).
  if (error instanceof SandboxApiError) {
    io.stderr(`compute: ${error.message}\n`);
    return EXIT.failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`compute: internal error: ${message}\n`);
  if (io.env.COMPUTE_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT.failed;
}
