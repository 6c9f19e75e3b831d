// The one error class of the command line: a user-facing message and the exit code it maps to.

/** Exit codes of every command (DESIGN.md §5). */
export const EXIT = {
  ok: 0,
  /** A unit failed or timed out. */
  failed: 1,
  /** A config or usage error. */
  usage: 2,
  /** `plan --exit-code`: changes are pending. */
  changes: 3,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
} as const;

/** An error meant for the user: printed as one line, never with a stack trace. */
export class CLIError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CLIError';
  }
}
