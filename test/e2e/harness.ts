// End-to-end tests drive the built `compute` command (bin/compute.js) on temp copies of real projects, as a user
// would: spawned processes, real HTTP, and a clean-up that leaves no daemon or unit process behind.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

/** The repository this test runs in. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI of the repository (global setup builds dist/ first). */
export const BIN = join(REPO, 'bin', 'compute.js');

/** How a command ended, and what it printed. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A command still running. */
export interface Running {
  pid: number;
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<Run>;
}

/** One row of `compute ps --json`. */
export interface PsRow {
  name: string;
  kind: 'server' | 'service';
  status: string;
  healthy: boolean | null;
  pid: number | null;
  port: number | null;
  url: string | null;
  restart_count: number;
  exit_code: number | null;
}

const running: Running[] = [];
const projects: { dir: string; file: string }[] = [];

/**
 * The environment of a command: this process's, without what would change compute's behaviour from outside
 * (a state folder, forced colours) or tie it to the test runner's npm (npm_* variables, node_modules/.bin on PATH).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') || key === 'COMPUTE_STATE_DIR' || key === 'FORCE_COLOR' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((part) => !part.includes('node_modules/.bin'))
    .join(':');
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Starts a program with no stdin; it is killed after the test if it is still running. */
export function start(file: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Running {
  const child = spawn(file, args, { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Run>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const handle: Running = {
    pid: child.pid ?? 0,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => void child.kill(signal),
    exited,
  };
  running.push(handle);
  return handle;
}

/** Runs a program to its end; past `timeoutMs` it is killed and the test fails, naming the command and its output. */
export async function run(file: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  const child = start(file, args, options);
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${basename(file)} ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${child.stdout()}\nstderr: ${child.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([child.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `compute ARGS` (the repository's built CLI) in `cwd`. */
export function compute(cwd: string, args: string[], env: Record<string, string> = {}, timeoutMs?: number): Promise<Run> {
  return run(process.execPath, [BIN, ...args], { cwd, env, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** Runs a command that must exit 0, and returns its output; otherwise fails with what it printed. */
export async function succeeds(pending: Promise<Run>, what: string): Promise<Run> {
  const result = await pending;
  if (result.code !== 0) throw new Error(`${what} exited ${result.code ?? result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

/** A temp copy of examples/NAME (never the repository's own folder, so no .compute/ is left there). */
export function copyExample(name: string): string {
  const source = join(REPO, 'examples', name);
  const dir = join(tempDir(`compute-e2e-${name}-`), name);
  cpSync(source, dir, { recursive: true, filter: (path) => !['.compute', 'node_modules', 'plan.json'].includes(basename(path)) });
  watchProject(dir);
  return dir;
}

/** Registers a project (its folder and compose file) whose daemon and units are ended after the test. */
export function watchProject(dir: string, file = 'compute.yaml'): void {
  projects.push({ dir, file: join(dir, file) });
}

/** `compute ps --json` of the project in `dir` (extra args such as `-f FILE` go before). */
export async function ps(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<PsRow[]> {
  const result = await succeeds(compute(dir, ['ps', '--json', ...args], env), 'compute ps --json');
  return JSON.parse(result.stdout) as PsRow[];
}

/** The rows of `ps --json` by unit name. */
export function byName(rows: PsRow[]): Record<string, PsRow> {
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

/** An HTTP GET without keep-alive (so no socket of the test holds a server open), with a deadline. */
export function get(url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} took more than ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The pid of the project's daemon, from `<state>/daemon.json`. */
export function daemonPid(stateDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

/**
 * Live processes of a project: its units' (marked COMPUTE_SANDBOX=<state folder>, including their children) and
 * daemons given a folder of the project on their command line.
 */
export function projectProcesses(dir: string): number[] {
  const real = existsSync(dir) ? realpathSync(dir) : dir;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const pid = Number(entry);
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const sandbox = environ.find((v) => v.startsWith('COMPUTE_SANDBOX='))?.slice('COMPUTE_SANDBOX='.length);
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const isDaemon = args.includes('daemon') && args.some((arg) => arg.startsWith(`${real}/`) || arg.startsWith(`${dir}/`));
      if ((sandbox?.startsWith(`${real}/`) || isDaemon) && isAlive(pid)) found.push(pid);
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return found;
}

/** Waits until none of `pids` and no process of the project in `dir` is alive. */
export async function expectNoProcessLeft(dir: string, pids: number[]): Promise<void> {
  const alive = () => [...new Set([...pids.filter(isAlive), ...projectProcesses(dir)])];
  await waitFor(() => alive().length === 0, { timeoutMs: 15_000, what: `no process of ${dir} left` }).catch(() => {
    expect(alive(), 'processes still alive after down').toEqual([]);
  });
}

// After each test: end what is still running (commands, then each project's daemon and units), before tmp.ts
// removes the folders (vitest runs after-hooks in reverse order of registration, and tmp.ts registered first).
afterEach(async () => {
  for (const child of running.splice(0)) {
    child.kill('SIGKILL');
    await child.exited.catch(() => undefined);
  }
  for (const { dir, file } of projects.splice(0)) {
    if (projectProcesses(dir).length === 0) continue;
    await compute(dir, ['down', '-f', file, '--timeout', '20000'], {}, 30_000).catch(() => undefined);
    for (const pid of projectProcesses(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});
