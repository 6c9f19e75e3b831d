// The lifecycle of one start of a unit: wait for dependencies, install, spawn, watch, and restart per policy.
import { PortInUseError } from '../ports/index.js';
import type { ExitInfo } from '../../contract/reason.js';
import type { UnitSpec, UnitState } from '../../contract/unit.js';
import { DependencyError } from './deps.js';
import { launch, prepareLaunch, type LaunchContext } from './launch.js';
import { groupAlive, processStartTime, SpawnError, type ProcessExit, type UnitProcess } from './process.js';
import type { UnitCgroup } from './cgroup.js';
import { terminateUnit } from './terminate.js';
import { valueOf } from '../../contract/fields.js';
import { backoff, nextAttempt, shouldRestart } from './restart.js';
import { watchProcess, type WatchedUnit } from './watchers.js';
import { pause } from '../../util/pause.js';

/** What the lifecycle needs of its runner. */
export interface LifecycleHost extends WatchedUnit {
  readonly spec: UnitSpec;
  readonly state: UnitState;
  pidStartTime: number | undefined;
}

/** One start of a unit: aborting its controller ends it; `pgid` and `cgroup` hold the processes to end with it. */
export interface Generation {
  controller: AbortController;
  /** Settles once the main process is spawned, or the lifecycle ended without spawning it. */
  launched: Promise<void>;
  markLaunched: () => void;
  pgid: number | undefined;
  cgroup: UnitCgroup | undefined;
  task: Promise<void>;
  /** Restarts the watchers of the running process with the unit's current spec (a health check changed in place). */
  rewatch?: () => void;
}

/** How this start begins: with or without install and waiting for needs, or from an adopted process. */
export interface LifecycleMode {
  install: boolean;
  waitForDependencies: boolean;
  adopted?: UnitProcess;
}

/** A new generation, not yet running. */
export function newGeneration(): Generation {
  let markLaunched = () => {};
  const launched = new Promise<void>((resolve) => (markLaunched = resolve));
  return { controller: new AbortController(), launched, markLaunched, pgid: undefined, cgroup: undefined, task: Promise.resolve() };
}

/** Runs one start of a unit to its end: a terminal status, or an abort by stop/restart/replace. */
export async function runLifecycle(host: LifecycleHost, generation: Generation, mode: LifecycleMode): Promise<void> {
  const { signal } = generation.controller;
  // An adopted process runs already: a stop during the launch preparation below must find it to end it.
  if (mode.adopted) track(generation, mode.adopted);
  try {
    if (mode.waitForDependencies) {
      host.setStatus('pending');
      try {
        await host.deps.waitForDependencies(host.spec, signal, (reason) => host.setStatus('pending', reason));
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof DependencyError) return host.setStatus('failed', error.reason);
        throw error;
      }
      if (signal.aborted) return;
    }
    let context: LaunchContext;
    try {
      context = await prepareLaunch(host.spec, host.deps.root, host.deps.sandboxId);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof SpawnError) return host.setStatus('failed', { kind: 'spawn_failed', error: error.message });
      throw error;
    }
    if (mode.install && host.spec.install !== undefined && !(await install(host, generation, context))) return;
    await supervise(host, generation, context, mode.adopted);
  } finally {
    generation.markLaunched();
  }
}

// Runs the install command to completion; false when the lifecycle must end (aborted, or the install failed).
async function install(host: LifecycleHost, generation: Generation, context: LaunchContext): Promise<boolean> {
  const { signal } = generation.controller;
  const since = Date.now();
  host.setStatus('installing');
  const exit = await runToExit(host, generation, () => launch(host.spec, host.spec.install ?? '', context, host.deps, 'install', undefined));
  if (!exit || signal.aborted) return false;
  if (exit.exitCode === 0) return true;
  const lines = (await host.deps.logs.read(host.name, { stream: 'combined', tail: 5 })).filter((line) => line.ts >= since);
  host.setStatus('failed', { kind: 'install_failed', exit: exitInfo(exit), output: lines.map((line) => line.text) });
  return false;
}

// Spawns a process, records its group, and waits for it to exit; undefined when it could not start or was aborted.
async function runToExit(host: LifecycleHost, generation: Generation, spawn: () => Promise<UnitProcess>): Promise<ProcessExit | undefined> {
  const process = await spawnOrFail(host, spawn);
  if (!process) return undefined;
  track(generation, process);
  if (generation.controller.signal.aborted) await terminateUnit({ pgid: process.pid, cgroup: process.cgroup }, host.spec.stopTimeoutMs);
  const exit = await process.exited;
  await reapGroup(host, generation, process);
  return exit;
}

async function spawnOrFail(host: LifecycleHost, spawn: () => Promise<UnitProcess>): Promise<UnitProcess | undefined> {
  try {
    return await spawn();
  } catch (error) {
    if (error instanceof SpawnError) {
      host.setStatus('failed', { kind: 'spawn_failed', error: error.message });
      return undefined;
    }
    if (error instanceof PortInUseError) {
      host.setStatus('failed', { kind: 'port_in_use', port: error.port });
      return undefined;
    }
    throw error;
  }
}

// Records the process as the one a stop must end.
function track(generation: Generation, process: UnitProcess): void {
  generation.pgid = process.pid;
  generation.cgroup = process.cgroup;
}

// When the leader exits, children it left in the group (or its cgroup) are ended too: no orphans between restarts.
async function reapGroup(host: LifecycleHost, generation: Generation, process: UnitProcess): Promise<void> {
  const pgid = process.pid;
  // A cgroup is ended (and removed) even when empty; without one, only a group that is still alive.
  if (process.cgroup || groupAlive(pgid)) await terminateUnit({ pgid, cgroup: process.cgroup }, host.spec.stopTimeoutMs);
  if (generation.pgid === pgid) {
    generation.pgid = undefined;
    generation.cgroup = undefined;
  }
  await host.deps.logs.drain(host.name);
}

// Spawns the main process and restarts it per policy until it ends for good or the generation is aborted.
async function supervise(host: LifecycleHost, generation: Generation, context: LaunchContext, adopted?: UnitProcess): Promise<void> {
  const { signal } = generation.controller;
  let attempt = -1;
  let process = adopted;
  for (;;) {
    if (!process) {
      if (signal.aborted) return;
      process = await spawnMain(host, generation, context);
      if (!process) return;
    }
    track(generation, process);
    generation.markLaunched();
    // Only an adopted process gets here after an abort: the stop ended it (it was tracked), so it exits soon.
    if (signal.aborted) {
      await process.exited;
      return reapGroup(host, generation, process);
    }
    // An adopted process may have been recorded just after its spawn, before it was marked running.
    if (host.state.status === 'starting') host.setStatus('running');
    const spawnedAt = host.state.startedAt ? Date.parse(host.state.startedAt) : Date.now();
    const watched = watchUntilExit(host, generation, process, context, spawnedAt);
    const exit = await process.exited;
    const unhealthy = watched.stop();
    await reapGroup(host, generation, process);
    process = undefined;
    if (signal.aborted) return;
    host.pidStartTime = undefined;
    host.patch({ exitCode: exit.exitCode, pid: undefined, healthy: undefined, healthStatus: undefined });
    attempt = nextAttempt(attempt, Date.now() - spawnedAt, valueOf(host.spec, 'restartResetMs'));
    const delay = restartDelay(host, exit, unhealthy, attempt);
    if (delay === undefined || !(await pause(delay, signal))) return;
  }
}

// Watches the running process (health, port) and, for a liveness check, ends it once unhealthy; `stop` ends the
// watch and says whether the liveness check ended the process.
function watchUntilExit(host: LifecycleHost, generation: Generation, process: UnitProcess, context: LaunchContext, spawnedAt: number): { stop(): boolean } {
  let unhealthy = false;
  const endUnhealthy = () => {
    if (unhealthy) return;
    unhealthy = true;
    host.deps.log.warn({ unit: host.name, pid: process.pid }, 'liveness check failed: ending the process');
    void terminateUnit({ pgid: process.pid, cgroup: process.cgroup }, host.spec.stopTimeoutMs);
  };
  let stopWatching = watchProcess(host, process.pid, context, spawnedAt, endUnhealthy);
  generation.rewatch = () => {
    stopWatching();
    stopWatching = watchProcess(host, process.pid, context, spawnedAt, endUnhealthy);
  };
  return {
    stop: () => {
      delete generation.rewatch;
      stopWatching();
      return unhealthy;
    },
  };
}

// After the main process exited: the delay before the next attempt, or undefined when the unit ended for good (its
// final status set). The restart counts, backs off and is shown as the reason, with the time of the next attempt.
function restartDelay(host: LifecycleHost, exit: ProcessExit, unhealthy: boolean, attempt: number): number | undefined {
  const { spec } = host;
  const facts = { policy: spec.restartPolicy, exitCode: exit.exitCode, restartCount: host.state.restartCount, maxRestarts: spec.maxRestarts, stopRequested: false, unhealthy };
  const flag = unhealthy ? { unhealthy: true as const } : {};
  if (!shouldRestart(facts)) {
    host.setStatus(exit.exitCode === 0 && !unhealthy ? 'completed' : 'failed', { kind: 'exited', exit: exitInfo(exit), ...flag });
    return undefined;
  }
  const delay = backoff(attempt, { baseMs: spec.restartDelayMs, maxMs: valueOf(spec, 'restartMaxDelayMs') }, host.deps.random);
  host.patch({ restartCount: host.state.restartCount + 1 });
  const nextAttemptAt = new Date(Date.now() + delay).toISOString();
  host.setStatus('restarting', { kind: 'restarting', exit: exitInfo(exit), delay_ms: delay, next_attempt_at: nextAttemptAt, ...flag });
  return delay;
}

async function spawnMain(host: LifecycleHost, generation: Generation, context: LaunchContext): Promise<UnitProcess | undefined> {
  const { spec } = host;
  host.setStatus('starting');
  const process = await spawnOrFail(host, async () => {
    const port = spec.port === undefined ? undefined : await host.deps.ports.allocate(spec.name, spec.port, spec.strictPort);
    host.patch(port === undefined ? { port: undefined, url: undefined } : { port, url: `http://localhost:${port}` });
    return launch(spec, spec.command, context, host.deps, 'main', port);
  });
  if (!process) return undefined;
  track(generation, process);
  host.pidStartTime = processStartTime(process.pid);
  host.patch({ pid: process.pid, startedAt: new Date().toISOString(), exitCode: null });
  if (generation.controller.signal.aborted) {
    // A stop arrived while spawning: the stopper may have looked for the group before it existed.
    await terminateUnit({ pgid: process.pid, cgroup: process.cgroup }, spec.stopTimeoutMs);
    await process.exited;
    await reapGroup(host, generation, process);
    return undefined;
  }
  host.setStatus('running');
  return process;
}

/** An exit as the reasons carry it. */
export function exitInfo(exit: ProcessExit): ExitInfo {
  return { code: exit.exitCode, signal: exit.signal ?? null };
}
