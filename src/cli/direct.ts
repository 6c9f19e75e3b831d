// Running a program with this process's terminal: stdio inherited, its exit code (or 128 + signal) returned. While
// it runs, the terminal's Ctrl-C and Ctrl-\ are its business (they reach the whole foreground group, so the CLI
// ignores them), and a SIGTERM or SIGHUP sent to the CLI is passed on to it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { DirectCommand } from '../host/direct.js';
import type { CliIO } from './io.js';

const IGNORED = ['SIGINT', 'SIGQUIT'] as const;
const FORWARDED = ['SIGTERM', 'SIGHUP'] as const;

/** Runs the command with the terminal passed through and resolves with its exit code (127 when it cannot be run). */
export function runDirect(command: DirectCommand, shown: string, io: Pick<CliIO, 'stderr'>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command.file, command.args, {
      stdio: 'inherit',
      ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
      ...(command.env === undefined ? {} : { env: command.env }),
      ...(command.uid === undefined ? {} : { uid: command.uid, gid: command.gid }),
    });
    const ignore = () => undefined;
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of IGNORED) process.on(signal, ignore);
    for (const signal of FORWARDED) process.on(signal, forward);
    const done = (code: number) => {
      for (const signal of IGNORED) process.off(signal, ignore);
      for (const signal of FORWARDED) process.off(signal, forward);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      io.stderr(`compute: ${shown}: ${error.code === 'ENOENT' ? 'command not found' : error.message}\n`);
      done(error.code === 'ENOENT' ? 127 : 126);
    });
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}
