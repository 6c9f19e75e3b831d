// CLI tests on real projects: a temp copy of a fixture project, the built CLI spawned in it, the project brought up
// through the SDK (the calls `compute up` makes), and a clean-up that leaves no daemon or unit process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { connectProject, projectPaths, type ProjectPaths } from '../../src/cli/project.js';
import { loadConfig, type Spec } from '../../src/config/index.js';
import { pidAlive, readDaemonInfo } from '../../src/contract/discovery.js';
import type { UnitState } from '../../src/contract/unit.js';
import { waitSettled } from '../../src/reconcile/track.js';
import { findLocalDaemon, type SandboxClient } from '../../src/sdk/index.js';
import { removeSandboxCgroups, sandboxCgroupDir } from '../helpers/cgroups.js';
import { processGroupMembers } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/projects/', import.meta.url));

/** What a finished CLI run printed, and how it exited. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI process still running. */
export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<CliResult>;
}

// The environment of every CLI run: no colour (output is compared as text), no state folder from the outside.
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.FORCE_COLOR;
  delete env.COMPUTE_STATE_DIR;
  return env;
}

const running: RunningCli[] = [];
const projects: string[] = [];

/** Starts `compute ARGS` in `cwd` as a user would: with no stdin, or with `input` piped into it. */
export function spawnCli(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const handle = { child, stdout: () => stdout, stderr: () => stderr, exited };
  running.push(handle);
  return handle;
}

/**
 * Starts `compute ARGS` under script(1), which gives it a pseudo-terminal as stdin and stdout (as a user's shell);
 * what is written to the returned child's stdin is typed on that terminal (\x03 is Ctrl-C).
 */
export function spawnCliUnderTerminal(cwd: string, args: string[], env: Record<string, string> = {}): RunningCli {
  // `exec`: with SHELL unset (as in CI) script(1) runs dash, which would stay between it and the CLI and die of the
  // terminal's Ctrl-C itself, so script would report 130 whatever the CLI's exit.
  const line = `exec ${[process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ')}`;
  const child = spawn('script', ['-qec', line, '/dev/null'], { cwd, env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<CliResult>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout: output, stderr: '' })));
  const handle = { child, stdout: () => output, stderr: () => '', exited };
  running.push(handle);
  return handle;
}

/** Runs `compute ARGS` under script(1) to its end (see spawnCliUnderTerminal); `output` is what the terminal showed. */
export async function runCliUnderTerminal(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const { code, stdout } = await spawnCliUnderTerminal(cwd, args, env).exited;
  return { code, output: stdout };
}

/** Runs `compute ARGS` in `cwd` to its end. */
export function runCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return spawnCli(cwd, args, env).exited;
}

/** A temp copy of test/fixtures/projects/NAME; its daemon and units are ended after the test. */
export function copyProject(name: string): string {
  const dir = tempDir(`compute-cli-${name}-`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  projects.push(dir);
  return dir;
}

/** A temp project whose compute.yaml is `yaml` (its sandbox in `.compute/` beside it); ended after the test like a copy. */
export function writeProject(yaml: string): string {
  const dir = tempDir('compute-cli-own-');
  writeFileSync(join(dir, 'compute.yaml'), yaml);
  projects.push(dir);
  return dir;
}

/** The project's loaded config and paths (the config must be valid). */
export async function loadTestProject(dir: string): Promise<{ spec: Spec; paths: ProjectPaths }> {
  const result = await loadConfig({ files: [], cwd: dir, env: {} });
  if (!result.spec) throw new Error(`fixture ${dir} is invalid: ${result.errors.map((e) => e.message).join('; ')}`);
  return { spec: result.spec, paths: projectPaths(result.spec, undefined, { env: {}, cwd: dir }) };
}

/**
 * Brings the project up as `compute up -d` does (start its daemon, apply every unit, start them) and waits until
 * they settle; `names` limits what is applied. Returns the settled states. With `start: false`, only applies.
 */
export async function bringUp(dir: string, names?: string[], { start = true } = {}): Promise<Map<string, UnitState | undefined>> {
  const { spec, paths } = await loadTestProject(dir);
  const client = await connectProject(paths, true);
  try {
    const specs = Object.values(spec.units).filter((unit) => !names || names.includes(unit.name));
    const applied = await client.applyUnits(specs, []);
    if (!start) return new Map(applied.map((state) => [state.name, state]));
    const offer = await client.startUnits(specs.map((unit) => unit.name));
    const { result, states } = await waitSettled(client, specs.map((unit) => unit.name), { timeoutMs: 45_000, offer });
    if (result !== 'met') throw new Error(`the units of ${dir} did not settle: ${[...states].map(([n, s]) => `${n} ${s?.status}`).join(', ')}`);
    return states;
  } finally {
    await client.close();
  }
}

/** A client of the project's running daemon; the caller closes it. */
export async function projectClient(dir: string): Promise<SandboxClient> {
  const client = await findLocalDaemon(join(dir, '.compute', 'state'));
  if (!client) throw new Error(`no daemon runs for ${dir}`);
  return client;
}

/** The pid of the project's daemon, from its daemon.json. */
export function daemonPid(dir: string): number | undefined {
  return readDaemonInfo(join(dir, '.compute', 'state'))?.pid;
}

// Ends everything a project left: its daemon (asked to shut down, then killed) and every unit's process group.
async function cleanUpProject(dir: string): Promise<void> {
  const stateDir = join(dir, '.compute', 'state');
  const pid = readDaemonInfo(stateDir)?.pid;
  const groups: number[] = [];
  const client = await findLocalDaemon(stateDir, undefined, 2000).catch(() => undefined);
  if (client) {
    try {
      for (const unit of await client.units()) if (unit.pid !== undefined) groups.push(unit.pid);
      await client.shutdown();
    } catch {
      // a daemon that will not answer is killed below
    } finally {
      await client.close();
    }
  }
  if (pid !== undefined && pidAlive(pid)) {
    await waitFor(() => !pidAlive(pid), { timeoutMs: 10_000, what: `daemon ${pid} to exit` }).catch(() => process.kill(pid, 'SIGKILL'));
  }
  for (const group of groups) for (const member of processGroupMembers(group)) process.kill(member, 'SIGKILL');
  // A daemon a test SIGKILLed leaves its units' cgroups (emptied above, or by the test) for no one else to remove.
  await removeSandboxCgroups(sandboxCgroupDir(stateDir));
}

afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  }
  for (const dir of projects.splice(0)) await cleanUpProject(dir);
});
