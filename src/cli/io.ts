// Where a command writes and what it knows of its terminal, injectable so tests can drive commands in-process.

/** The streams and environment a command runs with. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is an interactive terminal (live tables, colours). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on Ctrl-C (first press); long-running commands stop gracefully when it fires. */
  signal?: AbortSignal;
}

/** The process's own streams and environment. */
export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** A command: raw arguments (after its name) in, exit code out. Only the CLI entry point calls process.exit. */
export type Command = (args: string[], io: CliIO) => Promise<number>;
