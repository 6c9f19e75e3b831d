// Running a command inside a sandbox: nsenter joins the namespaces of the sandbox's init (so the command sees the
// sandbox's /, processes and network), setpriv drops every capability and sets no_new_privs (so it cannot remount,
// mount or mknod its way out), and env -i gives it only the sandbox's environment.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { CommandResult, RunCommandOptions } from '@computesdk/provider';
import { isRunning, type ProcessRef } from './proc.js';

/** The namespaces a command joins, and the environment every command gets. */
export interface Target {
  id: string;
  init: ProcessRef;
  userns: boolean;
  envs: Record<string, string>;
}

/** How a command runs: its standard input, environment and callbacks for its output as it comes. */
export interface RunInsideOptions {
  stdin?: string;
  env?: Record<string, string>;
  onStdout?: (data: string) => void;
  onStderr?: (data: string) => void;
}

/** The environment of every command before the sandbox's own `envs` and the command's `env`. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/home',
  LANG: 'C.UTF-8',
};

/** The working folder of a command that names none. */
export const DEFAULT_CWD = '/app';

// $1 = working folder, $2 = the command line, $3 = timeout in seconds (foreground with a timeout only).
const FOREGROUND = 'cd -- "$1" || exit 1; exec /bin/sh -c "$2"';
const WITH_TIMEOUT = 'cd -- "$1" || exit 1; exec /usr/bin/timeout -s KILL "$3" /bin/sh -c "$2"';
// Fire and forget: the command's session is its own, its parent becomes the sandbox's init, nsenter returns at once.
const BACKGROUND = 'cd -- "$1" || exit 1; /usr/bin/setsid /bin/sh -c "$2" </dev/null >/dev/null 2>&1 &';

/** The nsenter argument list that runs `argv` inside the sandbox with `env`. */
export function enterArgs(target: Target, env: Record<string, string>, argv: string[]): string[] {
  const namespaces = ['-t', String(target.init.pid), '-m', '-p', '-n', '-u', '-i', '-C', '-r', '-w'];
  if (target.userns) namespaces.push('-U', '--preserve-credentials');
  const pairs = Object.entries({ ...BASE_ENV, ...target.envs, ...env }).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`bwrap provider: "${key}" is not a valid environment variable name`);
    return `${key}=${value}`;
  });
  const drop = ['/usr/bin/setpriv', '--no-new-privs', '--bounding-set', '-all', '--inh-caps', '-all', '--'];
  return [...namespaces, '--', ...drop, '/usr/bin/env', '-i', ...pairs, ...argv];
}

/** Runs the shell command line `command` inside the sandbox, as runCommand of a ComputeSDK sandbox does. */
export function runCommandInside(target: Target, command: string, options: RunCommandOptions = {}): Promise<CommandResult> {
  const cwd = options.cwd ?? DEFAULT_CWD;
  const script = options.background ? BACKGROUND : options.timeout ? WITH_TIMEOUT : FOREGROUND;
  const argv = ['/bin/sh', '-c', script, 'compute', cwd, command];
  if (!options.background && options.timeout) argv.push(String(Math.max(options.timeout, 1) / 1000));
  const { onStdout, onStderr } = options;
  return runInside(target, argv, { env: options.env ?? {}, ...(onStdout && { onStdout }), ...(onStderr && { onStderr }) });
}

/** Runs `argv` inside the sandbox and collects its output and exit code (128 + n when a signal n ended it). */
export function runInside(target: Target, argv: string[], options: RunInsideOptions = {}): Promise<CommandResult> {
  if (!isRunning(target.init)) return Promise.reject(new Error(`bwrap provider: sandbox ${target.id} is gone`));
  const started = Date.now();
  const args = enterArgs(target, options.env ?? {}, argv);
  const child = spawn('nsenter', args, { stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const out = collect(child.stdout, options.onStdout);
  const err = collect(child.stderr, options.onStderr);
  // A command that exits without reading its input must not turn into an EPIPE crash here.
  child.stdin?.on('error', () => undefined);
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`bwrap provider: could not run nsenter (${error.message})`)));
    child.once('close', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      resolve({ stdout: out(), stderr: err(), exitCode, durationMs: Date.now() - started });
    });
  });
}

// Decodes a stream as UTF-8 without splitting characters across chunks; returns what it read so far.
function collect(stream: NodeJS.ReadableStream | null, onData?: (data: string) => void): () => string {
  const decoder = new StringDecoder('utf8');
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    const part = decoder.write(chunk);
    text += part;
    if (part && onData) onData(part);
  });
  return () => text + decoder.end();
}
