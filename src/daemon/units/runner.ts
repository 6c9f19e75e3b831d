// One unit's supervisor: its state, its serialised operations, and the lifecycle of its processes.
import type { StopCause, UnitReason } from '../../contract/reason.js';
import type { UnitSpec, UnitState, UnitStatus } from '../../contract/unit.js';
import type { UnitProcessRoots } from '../supervisor-api.js';
import type { RunnerDeps } from './deps.js';
import { newGeneration, runLifecycle, type Generation, type LifecycleHost, type LifecycleMode } from './lifecycle.js';
import { ACTIVE_STATUSES } from '../../contract/status.js';
import { transition } from './machine.js';
import type { UnitProcess } from './process.js';
import { endMarkedSurvivors, terminateUnit } from './terminate.js';

/** Whether the unit should be running; survives daemon restarts so a new daemon knows what to bring back. */
export type DesiredState = 'running' | 'stopped';

/** The fields of a unit's state that change without a status change; the status and its reason change only through setStatus. */
export type UnitPatch = Partial<Omit<UnitState, 'status' | 'reason' | 'name' | 'kind' | 'spec' | 'createdAt' | 'updatedAt'>>;

/** What the state file keeps of a unit beyond its UnitState. */
export interface RunnerRecord {
  state: UnitState;
  desired: DesiredState;
  pidStartTime?: number;
}

const now = () => new Date().toISOString();

/** Supervises one unit. Operations (start, stop, restart, apply) run one at a time, in call order. */
export class UnitRunner implements LifecycleHost {
  private current: UnitState;
  desired: DesiredState;
  pidStartTime: number | undefined;
  private generation: Generation | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    spec: UnitSpec,
    readonly deps: RunnerDeps,
    record?: RunnerRecord,
  ) {
    const ts = now();
    this.current = record
      ? { ...record.state, spec }
      : { name: spec.name, kind: spec.kind, spec, status: 'stopped', reason: { kind: 'created' }, exitCode: null, restartCount: 0, consecutiveFailures: 0, createdAt: ts, updatedAt: ts };
    this.desired = record?.desired ?? 'stopped';
    this.pidStartTime = record?.pidStartTime;
  }

  /** A copy of the unit's state. */
  get state(): UnitState {
    return { ...this.current };
  }

  get spec(): UnitSpec {
    return this.current.spec;
  }

  get name(): string {
    return this.current.spec.name;
  }

  /** True while a lifecycle is under way (waiting, installing, running, restarting). */
  get active(): boolean {
    return ACTIVE_STATUSES.has(this.current.status);
  }

  /** Its main process and, when it runs in a cgroup, the cgroup's members; undefined without a process. */
  processRoots(): UnitProcessRoots | undefined {
    const { pid } = this.current;
    if (pid === undefined || !this.active) return undefined;
    const cgroup = this.generation?.cgroup;
    return cgroup ? { name: this.name, pid, cgroupPids: cgroup.pids() } : { name: this.name, pid };
  }

  /** What the state file keeps. */
  record(): RunnerRecord {
    return { state: this.state, desired: this.desired, ...(this.pidStartTime === undefined ? {} : { pidStartTime: this.pidStartTime }) };
  }

  /** Starts the unit (dependencies, install, process) unless it is already active; returns once it is under way. */
  start(): Promise<void> {
    // Set at call time: a dependent checking this need meanwhile must see that it is about to start.
    this.desired = 'running';
    return this.serialise(async () => {
      if (this.active) return;
      this.begin({ install: true, waitForDependencies: true });
    });
  }

  /** Stops the unit and waits until no process of it remains; it will not be restarted. */
  stop(): Promise<void> {
    this.desired = 'stopped';
    return this.serialise(async () => {
      await this.halt('request');
    });
  }

  /** Stops the process without changing what is desired: the daemon is exiting and a new one will bring it back. */
  suspend(): Promise<void> {
    return this.serialise(() => this.halt('daemon'));
  }

  /** Stops and starts the unit again without install; resolves once the new process is spawned or the start failed. */
  restart(): Promise<UnitState> {
    this.desired = 'running';
    return this.serialise(async () => {
      const { status } = this.current;
      let generation: Generation;
      if (status === 'pending' || status === 'installing') {
        // Its process never started: begin again from the top.
        await this.halt('restart');
        generation = this.begin({ install: true, waitForDependencies: true });
      } else if (this.active) {
        if (status !== 'restarting') this.setStatus('restarting', { kind: 'restart_requested', by: 'command' });
        await this.halt(undefined);
        generation = this.begin({ install: false, waitForDependencies: false });
      } else {
        generation = this.begin({ install: false, waitForDependencies: true });
      }
      await generation.launched;
      return this.state;
    });
  }

  /**
   * Takes a new spec. `replace` (the caller's decision: the plan's, or the 2.x route's) ends an active unit's process
   * and starts it again with install; otherwise the spec is updated in place and takes effect at the next start or
   * health check.
   */
  apply(spec: UnitSpec, replace: boolean): Promise<void> {
    return this.serialise(async () => {
      const wasActive = this.active;
      if (replace && wasActive) await this.halt('replace');
      this.current = { ...this.current, spec, updatedAt: now() };
      if (replace) this.current.restartCount = 0;
      this.deps.onChange(this.state);
      if (replace && wasActive) this.begin({ install: true, waitForDependencies: true });
      else if (!replace) this.generation?.rewatch?.();
    });
  }

  /** Supervises a process found alive from an earlier daemon, as if this daemon had spawned it. */
  adopt(process: UnitProcess): Promise<void> {
    return this.serialise(async () => {
      // Spawned just before the last daemon recorded it as running: its process is starting, through the one transition.
      const { status } = this.current;
      if (status !== 'starting' && status !== 'running' && status !== 'ready') this.setStatus('starting');
      this.begin({ install: false, waitForDependencies: false, adopted: process });
    });
  }

  /** A recorded lifecycle whose process is gone (it ended while no daemon watched it): settle it as stopped. */
  settleLost(): void {
    if (this.active) this.setStatus('stopped', { kind: 'process_lost' });
  }

  // ----- LifecycleHost: what the lifecycle uses to report -----

  /** Moves the unit to a new status (rejecting illegal moves) and reports it. */
  setStatus(to: UnitStatus, reason?: UnitReason): void {
    const from = this.current.status;
    transition(this.name, from, to);
    const ts = now();
    this.current = { ...this.current, status: to, updatedAt: ts };
    if (reason === undefined) delete this.current.reason;
    else this.current.reason = reason;
    if (to === 'ready' || to === 'completed') this.current.readyAt = ts;
    this.deps.onTransition(this.state, from, reason);
  }

  /** Updates fields other than the status and its reason (pid, port, health, exit code) and reports them. */
  patch(fields: UnitPatch): void {
    this.current = { ...this.current, ...fields, updatedAt: now() };
    for (const [key, value] of Object.entries(fields)) if (value === undefined) delete (this.current as unknown as Record<string, unknown>)[key];
    this.deps.onChange(this.state);
  }

  // ----- internals -----

  private serialise<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private begin(mode: LifecycleMode): Generation {
    const generation = newGeneration();
    this.generation = generation;
    generation.task = runLifecycle(this, generation, mode).catch((error: unknown) => {
      // A bug in the lifecycle must not leave the unit looking alive.
      this.deps.log.error({ unit: this.name, err: error }, 'unit lifecycle crashed');
      if (this.active && !generation.controller.signal.aborted) this.setStatus('failed', { kind: 'internal_error', error: (error as Error).message });
    });
    return generation;
  }

  /** Ends the current lifecycle: abort its waits, end its process group, wait for it to settle; then, unless it is
   *  to start again at once (`undefined`), it is stopped by `cause`. */
  private async halt(cause: StopCause | undefined): Promise<void> {
    const generation = this.generation;
    if (!generation) return;
    generation.controller.abort();
    const { pgid, cgroup } = generation;
    const ended = pgid !== undefined || cgroup ? await terminateUnit({ pgid, cgroup }, this.spec.stopTimeoutMs) : 'exited';
    await generation.task;
    // Without cgroups, processes that left the group are only findable by the markers they may still carry.
    if (!this.deps.cgroups) await endMarkedSurvivors(this.deps.sandboxId, this.name, this.deps.log);
    this.generation = undefined;
    this.deps.ports.release(this.name);
    if (this.current.pid !== undefined) this.patch({ pid: undefined });
    this.pidStartTime = undefined;
    if (cause && this.active) this.setStatus('stopped', { kind: 'stopped', by: cause, ...(ended === 'killed' ? { killed: true as const } : {}) });
  }
}
