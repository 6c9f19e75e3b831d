// One-off commands of a sandbox (POST /run/command): run to their end, or in the background and waited for later.
import { randomBytes } from 'node:crypto';
import type { CommandResult } from '../../contract/wire.js';
import { DaemonError, badRequest } from '../errors.js';
import { makeFolder, pathExists } from '../files/ops.js';
import { fileError } from '../files/confine.js';
import { openFolder, type HeldFolder } from '../files/folder.js';
import { normaliseSandboxPath } from '../../contract/paths.js';
import { groupAlive, SpawnError, terminateGroup } from '../units/process.js';
import { commandPath, parseFileCommand, type FileCommand } from './builtins.js';
import { OutputCapture } from './capture.js';
import { execute, type Execution, type Outcome } from './execute.js';
import { CommandHistory } from './history.js';

/** The terminal id background commands are filed under (2.x waits on /terminals/{terminal_id}/commands/{cmd_id}). */
export const TERMINAL_ID = 'exec';

/** A command to run, as the route hands it over (sandbox paths). */
export interface RunOptions {
  command: string;
  /** Sandbox folder (default `/`). */
  cwd?: string;
  env?: Record<string, string>;
  /** Runs `command` with `shell -c` (default /bin/sh). */
  shell?: string;
  timeoutMs?: number;
}

/** The commands of a sandbox, as the routes use them. Errors are DaemonError (400 bad cwd or shell, 429, 503). */
export interface CommandStore {
  /** Runs a command to its end; aborting `signal` kills it. */
  run(options: RunOptions, signal?: AbortSignal): Promise<CommandResult>;
  /** Starts a command in the background; resolves once it runs, with its ids. */
  start(options: RunOptions): Promise<CommandResult>;
  /** A background command (running: its output so far), or undefined. */
  get(id: string): CommandResult | undefined;
  /** The background commands that are running or retained, oldest first. */
  list(): CommandResult[];
  /** Waits up to `timeoutMs` for a background command to end; resolves with its state either way (undefined: unknown). */
  wait(id: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult | undefined>;
  /** Kills every command's process group (and what a finished command left running); later runs get 503. */
  close(): Promise<void>;
}

/** Options of a CommandRunner. */
export interface CommandRunnerOptions {
  /** The sandbox root (host path). */
  root: string;
  /** Marks the commands' processes (COMPUTE_SANDBOX, as units' processes), so that leftovers can be found. */
  sandboxId: string;
  /** The environment commands inherit (default: the daemon's). */
  inherited?: Record<string, string | undefined>;
  maxOutputBytes?: number;
  /** Grace between SIGTERM and SIGKILL when a command's group is killed (default 2000 ms). */
  killGraceMs?: number;
  /** Background commands that may run at once (default 64); more get 429. */
  maxBackground?: number;
}

/** Builds a command's environment: the daemon's (without PORT and our COMPUTE_ markers), the request's, the markers. */
export function commandEnvironment(inherited: Record<string, string | undefined>, env: Record<string, string>, sandboxId: string, id: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(inherited)) {
    // PORT and our own variables belong to the daemon's invoker, not to the command (as for units).
    if (value !== undefined && key !== 'PORT' && !key.startsWith('COMPUTE_')) result[key] = value;
  }
  return { ...result, ...env, COMPUTE_SANDBOX: sandboxId, COMPUTE_COMMAND: id };
}

/** Runs and tracks the one-off commands of one sandbox. */
export class CommandRunner implements CommandStore {
  private readonly history = new CommandHistory();
  // Every group a command started, until it is gone: a finished command may have left a grandchild running.
  private readonly groups = new Set<number>();
  private closed = false;

  constructor(private readonly options: CommandRunnerOptions) {}

  async run(options: RunOptions, signal?: AbortSignal): Promise<CommandResult> {
    const { id, execution, started } = await this.begin(options, signal);
    // Nothing is kept of a command run to its end, so its reply names no ids to look it up by.
    const { cmd_id: _id, terminal_id: _terminal, ...result } = finished(options.command, execution, await execution.outcome, started, id);
    return result;
  }

  async start(options: RunOptions): Promise<CommandResult> {
    const limit = this.options.maxBackground ?? 64;
    if (this.history.running() >= limit) throw new DaemonError(429, `${limit} background commands are running already; wait for one to end`);
    const { id, execution, started } = await this.begin(options);
    const live = () => running(options.command, execution, started, id);
    this.history.add(id, live, execution.outcome.then((outcome) => finished(options.command, execution, outcome, started, id)));
    return live();
  }

  get(id: string): CommandResult | undefined {
    return this.history.get(id);
  }

  list(): CommandResult[] {
    return this.history.list();
  }

  wait(id: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult | undefined> {
    return this.history.wait(id, timeoutMs, signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.groups].map((pgid) => terminateGroup(pgid, this.options.killGraceMs ?? 2000)));
    this.groups.clear();
  }

  private async begin(options: RunOptions, signal?: AbortSignal): Promise<{ id: string; execution: Execution; started: Date }> {
    if (this.closed) throw new DaemonError(503, 'the daemon is shutting down');
    const id = `cmd_${randomBytes(6).toString('hex')}`;
    const started = new Date();
    const cwd = normaliseSandboxPath(options.cwd ?? '/');
    const builtin = options.shell === undefined ? parseFileCommand(options.command) : undefined;
    if (builtin) return { id, execution: await this.builtin(builtin, cwd), started };
    // The command starts in the folder that was checked: it is given the folder's fd path as cwd and chdir()s
    // through the fd before its exec, so a folder swapped for a symlink meanwhile cannot start it outside (issue 13).
    const folder = await this.openCwd(cwd);
    try {
      return { id, execution: await this.spawn(options, folder.path, id, signal), started };
    } finally {
      folder.close();
    }
  }

  private async spawn(options: RunOptions, cwd: string, id: string, signal: AbortSignal | undefined): Promise<Execution> {
    for (const pgid of this.groups) if (!groupAlive(pgid)) this.groups.delete(pgid);
    try {
      const execution = await execute({
        file: options.shell ?? '/bin/sh',
        args: ['-c', options.command],
        cwd,
        env: commandEnvironment(this.options.inherited ?? process.env, options.env ?? {}, this.options.sandboxId, id),
        killGraceMs: this.options.killGraceMs ?? 2000,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(this.options.maxOutputBytes === undefined ? {} : { maxOutputBytes: this.options.maxOutputBytes }),
        ...(signal ? { signal } : {}),
      });
      this.groups.add(execution.pid as number);
      return execution;
    } catch (error) {
      if (error instanceof SpawnError) throw badRequest(`run/command: ${error.message}`);
      throw error;
    }
  }

  private async openCwd(cwd: string): Promise<HeldFolder> {
    try {
      return await openFolder(this.options.root, cwd);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw badRequest(`run/command: "cwd" ${cwd} does not exist in the sandbox`);
      if (code === 'ENOTDIR') throw badRequest(`run/command: "cwd" ${cwd} is not a folder`);
      throw fileError(error, cwd);
    }
  }

  // A 2.x `filesystem.mkdir` or `.exists` (see builtins.ts): done on the sandbox path, reported as the command would.
  private async builtin(command: FileCommand, cwd: string): Promise<Execution> {
    const started = performance.now();
    const stdout = new OutputCapture();
    const stderr = new OutputCapture();
    const path = commandPath(cwd, command.path);
    let exitCode = 0;
    try {
      if (command.op === 'mkdir') await makeFolder(this.options.root, path);
      else if (!(await pathExists(this.options.root, path))) exitCode = 1;
    } catch (error) {
      stderr.push(Buffer.from(`${command.op === 'mkdir' ? 'mkdir' : 'test'}: ${(error as Error).message}\n`));
      exitCode = 1;
    }
    const outcome: Outcome = { exitCode, timedOut: false, durationMs: Math.round(performance.now() - started) };
    return { stdout, stderr, outcome: Promise.resolve(outcome) };
  }
}

function running(command: string, execution: Execution, started: Date, id: string): CommandResult {
  return {
    cmd_id: id,
    terminal_id: TERMINAL_ID,
    command,
    status: 'running',
    stdout: execution.stdout.text(),
    stderr: execution.stderr.text(),
    started_at: started.toISOString(),
    ...(execution.pid === undefined ? {} : { pid: execution.pid }),
  };
}

function finished(command: string, execution: Execution, outcome: Outcome, started: Date, id: string): CommandResult {
  return {
    ...running(command, execution, started, id),
    status: outcome.exitCode === 0 ? 'completed' : 'failed',
    exit_code: outcome.exitCode,
    duration_ms: outcome.durationMs,
    finished_at: new Date(started.getTime() + outcome.durationMs).toISOString(),
    ...(outcome.timedOut ? { timed_out: true } : {}),
    ...(execution.stdout.truncated ? { stdout_truncated: true } : {}),
    ...(execution.stderr.truncated ? { stderr_truncated: true } : {}),
  };
}
