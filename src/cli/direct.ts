// Running a program with this process's terminal: stdio inherited, its exit code (or 128 + signal) returned. While
// it runs, the terminal's Ctrl-C and Ctrl-\ are its business (they reach the whole foreground group, so the CLI
// ignores them), and a SIGTERM or SIGHUP sent to the CLI is passed on to it. Without a terminal (`exec -T`), each
// standard stream that is a TTY is relayed through a pipe instead, so the program never sees one.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import type { DirectCommand } from '../host/direct.js';
import type { CliIO } from './io.js';

const IGNORED = ['SIGINT', 'SIGQUIT'] as const;
const FORWARDED = ['SIGTERM', 'SIGHUP'] as const;

/** Runs the command with the terminal passed through (or, `terminal: false`, relayed without a TTY) and resolves
 *  with its exit code (127 when it cannot be found, 126 when it cannot be run). */
export function runDirect(command: DirectCommand, shown: string, io: Pick<CliIO, 'stderr'>, terminal = true): Promise<number> {
  return new Promise((resolve) => {
    const relayed = [0, 1, 2].map((fd) => !terminal && isatty(fd));
    const child = spawn(command.file, command.args, {
      stdio: relayed.map((relay) => (relay ? 'pipe' : 'inherit')) as StdioOptions,
      ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
      ...(command.env === undefined ? {} : { env: command.env }),
      ...(command.uid === undefined ? {} : { uid: command.uid, gid: command.gid }),
    });
    const stopRelay = relay(child, relayed);
    const ignore = () => undefined;
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of IGNORED) process.on(signal, ignore);
    for (const signal of FORWARDED) process.on(signal, forward);
    let settled = false;
    const done = (code: number) => {
      if (settled) return;
      settled = true;
      stopRelay();
      for (const signal of IGNORED) process.off(signal, ignore);
      for (const signal of FORWARDED) process.off(signal, forward);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      io.stderr(`compute: ${shown}: ${error.code === 'ENOENT' ? 'command not found' : error.message}\n`);
      done(error.code === 'ENOENT' ? 127 : 126);
    });
    // 'close', not 'exit': relayed output is complete only once its pipes have ended.
    child.once('close', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}

// Connects the piped streams to this process's; returns what detaches stdin once the program has ended.
function relay(child: ChildProcess, relayed: boolean[]): () => void {
  if (relayed[1]) child.stdout?.pipe(process.stdout, { end: false });
  if (relayed[2]) child.stderr?.pipe(process.stderr, { end: false });
  if (!relayed[0] || !child.stdin) return () => undefined;
  const input = child.stdin;
  // A program that exits without reading its input must not turn into an EPIPE crash here.
  input.on('error', () => undefined);
  process.stdin.pipe(input);
  return () => {
    process.stdin.unpipe(input);
    process.stdin.pause();
  };
}
