// Running one command to its end: its own process group, bounded output, a timeout that kills the whole group.
//
// node:child_process rather than execa (which runs the units, see units/process.ts): the result is taken when the
// shell exits, not when its pipes close. A command like `server &` leaves a grandchild holding the pipes open, and
// waiting for them to close would hang the reply for as long as that grandchild lives.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { SpawnError, terminateGroup } from '../units/process.js';
import { OutputCapture } from './capture.js';

/** Exit code reported for a command that ran out of time, as timeout(1) reports it. */
export const TIMEOUT_EXIT_CODE = 124;
/** How long the pipes may stay open after the shell exited (a grandchild still writing) before they are let go. */
export const PIPE_GRACE_MS = 1000;

/** What to run. */
export interface ExecuteRequest {
  file: string;
  args: string[];
  /** Host folder. */
  cwd: string;
  /** The complete environment. */
  env: Record<string, string>;
  timeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL when the group is killed (timeout or abort). */
  killGraceMs: number;
  maxOutputBytes?: number;
  /** Aborting kills the group (the client went away, the daemon closes). */
  signal?: AbortSignal;
}

/** How a command ended. */
export interface Outcome {
  /** 128 + the signal number when killed by a signal; TIMEOUT_EXIT_CODE when it timed out. */
  exitCode: number;
  signal?: string;
  timedOut: boolean;
  durationMs: number;
}

/** A command under way: its process group, its output so far, and its end. */
export interface Execution {
  /** Also the process group id; undefined for a command carried out without a process (a 2.x builtin). */
  pid?: number;
  stdout: OutputCapture;
  stderr: OutputCapture;
  outcome: Promise<Outcome>;
}

/** Starts the command as the leader of a new process group; rejects with SpawnError when it cannot start at all. */
export async function execute(request: ExecuteRequest): Promise<Execution> {
  const started = performance.now();
  const child = spawn(request.file, request.args, {
    cwd: request.cwd,
    env: request.env,
    // A group of its own: a timeout or a stop reaches every child, and Ctrl-C in the daemon's terminal reaches none.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Listened to before anything is awaited, so that a command that ends at once is not missed.
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
  try {
    // once() rejects when 'error' comes first: the program could not be started.
    await once(child, 'spawn');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new SpawnError(`cannot run "${request.file}": ${reason}`, { cause: error });
  }
  const pid = child.pid as number;
  const stdout = new OutputCapture(request.maxOutputBytes);
  const stderr = new OutputCapture(request.maxOutputBytes);
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const ending = armKill(pid, request);

  const outcome = (async (): Promise<Outcome> => {
    const [code, signal] = await exited;
    ending.disarm();
    await drained([child.stdout, child.stderr], PIPE_GRACE_MS);
    const exitCode = ending.timedOut() ? TIMEOUT_EXIT_CODE : (code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    return { exitCode, ...(signal ? { signal } : {}), timedOut: ending.timedOut(), durationMs: Math.round(performance.now() - started) };
  })();
  return { pid, stdout, stderr, outcome };
}

// The two ways a command is ended early, the timeout and the abort signal; both kill the whole group.
function armKill(pid: number, request: ExecuteRequest): { timedOut: () => boolean; disarm: () => void } {
  let timedOut = false;
  const kill = () => void terminateGroup(pid, request.killGraceMs);
  const onTimeout = () => {
    timedOut = true;
    kill();
  };
  const timer = request.timeoutMs === undefined ? undefined : setTimeout(onTimeout, request.timeoutMs);
  // A client that left while the command was being spawned has aborted already: 'abort' will not fire again.
  if (request.signal?.aborted) kill();
  else request.signal?.addEventListener('abort', kill, { once: true });
  return {
    timedOut: () => timedOut,
    disarm: () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', kill);
    },
  };
}

// Waits for the pipes to end, for at most `graceMs`; then stops reading them (what was read is kept).
async function drained(streams: Array<Readable | null>, graceMs: number): Promise<void> {
  const open = streams.filter((s): s is Readable => s !== null && !s.closed);
  if (open.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const ended = Promise.all(open.map((s) => once(s, 'close').catch(() => undefined)));
  await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const s of open) s.destroy();
}
