// The units of one sandbox: a runner per unit, needs between them, events, and the state file.
import { realpathSync } from 'node:fs';
import type { UnitReason } from '../../contract/reason.js';
import type { Need, UnitEvent, UnitSpec, UnitState } from '../../contract/unit.js';
import type { DaemonProblem } from '../../contract/wire.js';
import { buildGraph } from '../../contract/graph.js';
import { notFound } from '../errors.js';
import type { Supervisor, UnitListener, UnitProcessRoots } from '../supervisor-api.js';
import { adoptedProcess, findMarkedLeaders, withLiveProcess, type MarkedLeader } from './adopt.js';
import { DependencyError, silentLog, type Log, type RunnerDeps, type UnitLogs } from './deps.js';
import { evaluateNeed, needGroups } from './needs.js';
import { createPortBook } from './port-book.js';
import { openSandboxCgroups } from './cgroup.js';
import { descendsFrom, terminateGroup } from './process.js';
import { terminateUnit } from './terminate.js';
import { UnitRunner } from './runner.js';
import { StateFile } from './state-file.js';
import { stateFilePath } from '../../contract/discovery.js';
import { validateBatch } from './validate.js';
import { abortable } from '../../util/pause.js';

/** Overlays as the supervisor sees them: units wait for the ones they need. */
export interface OverlayGate {
  whenComplete(id: string): Promise<void>;
  covering(sandboxPath: string): string[];
}

/** What a supervisor is made of. */
export interface SupervisorOptions {
  /** Host folder that is the sandbox's `/`. */
  root: string;
  /** Folder of the state file (state.json). */
  stateDir: string;
  logs: UnitLogs;
  overlays?: OverlayGate;
  logger?: Log;
  /** Source of backoff jitter (Math.random by default). */
  random?: () => number;
  /** Told when saves of state.json start failing (a full disk; they are retried) and when they succeed again. */
  onStateProblem?: (problem: DaemonProblem | undefined) => void;
  /** Track units by cgroups where the machine allows it (default true); false: process groups and markers only. */
  cgroups?: boolean;
}

/** Creates the supervisor of a sandbox, reading back and adopting what an earlier daemon left. */
export async function createSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  const supervisor = new LocalSupervisor(options);
  await supervisor.recover();
  return supervisor;
}

class LocalSupervisor implements Supervisor {
  readonly root: string;
  readonly logs: UnitLogs;
  private readonly runners = new Map<string, UnitRunner>();
  private readonly listeners = new Set<UnitListener>();
  private readonly stateFile: StateFile;
  private readonly deps: RunnerDeps;
  private readonly log: Log;

  constructor(private readonly options: SupervisorOptions) {
    this.root = options.root;
    this.logs = options.logs;
    this.log = options.logger ?? silentLog;
    this.stateFile = new StateFile(stateFilePath(options.stateDir), options.onStateProblem ? { onProblem: options.onStateProblem } : {});
    const sandboxId = realpathSync(options.stateDir);
    const cgroups = options.cgroups === false ? undefined : openSandboxCgroups(sandboxId);
    const tracking = cgroups ? `${cgroups.hierarchy.kind} ${cgroups.dir}` : 'none: process groups and markers only';
    this.log.info({ cgroups: tracking, COMPUTE_CGROUP: process.env.COMPUTE_CGROUP ?? 'auto' }, 'unit tracking');
    this.deps = {
      root: options.root,
      sandboxId,
      cgroups,
      logs: options.logs,
      ports: createPortBook(),
      log: this.log,
      random: options.random ?? Math.random,
      waitForDependencies: (spec, signal, onWait) => this.waitForDependencies(spec, signal, onWait),
      onTransition: (state, from, reason) => this.onTransition(state, from, reason),
      onChange: () => this.persist(),
    };
  }

  list(): UnitState[] {
    return [...this.runners.values()].map((runner) => runner.state);
  }

  get(name: string): UnitState | undefined {
    return this.runners.get(name)?.state;
  }

  async upsert(specs: UnitSpec[], replace: ReadonlySet<string>): Promise<UnitState[]> {
    validateBatch(specs, this.runners);
    await Promise.all(
      specs.map(async (spec) => {
        const runner = this.runners.get(spec.name);
        if (runner) return runner.apply(spec, replace.has(spec.name));
        this.runners.set(spec.name, new UnitRunner(spec, this.deps));
      }),
    );
    this.persist();
    return specs.map((spec) => this.require(spec.name).state);
  }

  async start(names: string[]): Promise<UnitState[]> {
    const runners = names.map((name) => this.require(name));
    // Needs first, so that each dependent finds its needs already on their way when it looks.
    await Promise.all(this.withNeeds(names).map((name) => this.require(name).start()));
    return runners.map((runner) => runner.state);
  }

  async stop(names: string[]): Promise<void> {
    for (const name of names) this.require(name);
    await this.inDependentsFirstOrder(names, (runner) => runner.stop());
  }

  async restart(name: string): Promise<UnitState> {
    return this.require(name).restart();
  }

  async remove(names: string[]): Promise<void> {
    await this.stop(names);
    for (const name of names) {
      this.runners.delete(name);
      this.deps.ports.release(name);
      await this.logs.remove(name);
    }
    this.deps.cgroups?.removeIfEmpty();
    this.persist();
  }

  processRoots(): UnitProcessRoots[] {
    return [...this.runners.values()].flatMap((runner) => runner.processRoots() ?? []);
  }

  subscribe(listener: UnitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async shutdown(): Promise<void> {
    await this.inDependentsFirstOrder([...this.runners.keys()], (runner) => runner.suspend());
    this.deps.cgroups?.removeIfEmpty();
    this.persist();
    await this.stateFile.close();
  }

  /**
   * Reads the state file back: adopts units whose processes still live (the recorded pid, or else the one main
   * process carrying the unit's markers and spec hash), ends unaccounted processes, restarts the rest.
   */
  async recover(): Promise<void> {
    const { records, warning } = await this.stateFile.load();
    if (warning) this.log.warn({}, warning);
    const marked = findMarkedLeaders(this.deps.sandboxId);
    const adopted = new Set<number>();
    const adoptedUnits = new Set<string>();
    const toStart: string[] = [];
    for (const saved of records) {
      const record = withLiveProcess(saved, marked);
      const { pid, port } = record.state;
      const alive = pid !== undefined && record.pidStartTime !== undefined;
      const runner = new UnitRunner(record.state.spec, this.deps, record);
      this.runners.set(runner.name, runner);
      // Through the one transition function, with its event: whatever it was doing ended with its process.
      if (!alive) runner.settleLost();
      if (alive && pid !== undefined && record.pidStartTime !== undefined) {
        adopted.add(pid);
        adoptedUnits.add(runner.name);
        if (port !== undefined) this.deps.ports.hold(runner.name, port);
        await this.logs.attach(runner.name);
        const cgroup = this.deps.cgroups?.unit(runner.name);
        void runner.adopt(adoptedProcess(pid, record.pidStartTime, cgroup?.pids().includes(pid) ? cgroup : undefined));
        this.log.info({ unit: runner.name, pid }, 'adopted running unit');
      } else if (record.desired === 'running') {
        toStart.push(runner.name);
      }
    }
    await this.endOrphans(marked.filter((leader) => !adopted.has(leader.pid) && !this.belongsToAdopted(leader, adopted)));
    await this.endUnadoptedCgroups(adoptedUnits);
    if (toStart.length > 0) await this.start(toStart);
  }

  // A cgroup of no adopted unit holds what a unit left when its main process ended while no daemon watched (a
  // daemonized child, say), or a unit no longer recorded: ends all of it, so the units start again from nothing.
  private async endUnadoptedCgroups(adopted: ReadonlySet<string>): Promise<void> {
    const cgroups = this.deps.cgroups;
    if (!cgroups) return;
    const stale = cgroups.existing().filter((name) => !adopted.has(name));
    await Promise.all(
      stale.map(async (name) => {
        const cgroup = cgroups.unit(name);
        const pids = cgroup.pids();
        if (pids.length > 0) this.log.warn({ unit: name, pids }, 'ending processes an unadopted unit left in its cgroup');
        await terminateUnit({ pgid: undefined, cgroup }, this.runners.get(name)?.spec.stopTimeoutMs ?? 10_000);
      }),
    );
    cgroups.removeIfEmpty();
  }

  // A marked group leader that an adopted unit started (a setsid child of it, in its cgroup or below its process) is
  // part of that unit, not a second copy of it.
  private belongsToAdopted(leader: MarkedLeader, adopted: ReadonlySet<number>): boolean {
    if (!this.runners.get(leader.unit)?.active) return false;
    return descendsFrom(leader.pid, adopted) || (this.deps.cgroups?.unit(leader.unit).pids().includes(leader.pid) ?? false);
  }

  // Processes of this sandbox that no unit accounts for would become second copies of their units: end them.
  private async endOrphans(orphans: MarkedLeader[]): Promise<void> {
    await Promise.all(
      orphans.map(async ({ unit, pid }) => {
        this.log.warn({ unit, pid }, 'ending an unrecorded process of this sandbox');
        await terminateGroup(pid, this.runners.get(unit)?.spec.stopTimeoutMs ?? 10_000);
      }),
    );
  }

  private require(name: string): UnitRunner {
    const runner = this.runners.get(name);
    if (!runner) throw notFound(`unit "${name}" not found`);
    return runner;
  }

  // The named units and everything they need, transitively, needs before dependents.
  private withNeeds(names: string[]): string[] {
    return buildGraph(new Map([...this.runners].map(([name, runner]) => [name, runner.spec]))).withNeeds(names);
  }

  // Runs `action` on each named unit, concurrently, except that a unit waits until its dependents in the set are done.
  private async inDependentsFirstOrder(names: string[], action: (runner: UnitRunner) => Promise<void>): Promise<void> {
    const set = new Set(names);
    const dependents = new Map<string, string[]>();
    for (const name of set) {
      for (const need of Object.keys(this.require(name).spec.needs)) {
        if (set.has(need)) dependents.set(need, [...(dependents.get(need) ?? []), name]);
      }
    }
    const done = new Map<string, Promise<void>>();
    const run = (name: string): Promise<void> => {
      let promise = done.get(name);
      if (!promise) {
        promise = Promise.all((dependents.get(name) ?? []).map(run)).then(() => action(this.require(name)));
        done.set(name, promise);
      }
      return promise;
    };
    await Promise.all([...set].map(run));
  }

  private async waitForDependencies(spec: UnitSpec, signal: AbortSignal, onWait: (reason: UnitReason) => void): Promise<void> {
    const overlays = new Set([...spec.overlays, ...(this.options.overlays?.covering(spec.cwd) ?? [])]);
    for (const id of overlays) {
      if (!this.options.overlays) throw new DependencyError({ kind: 'overlay_failed', overlay: id, how: 'missing' });
      onWait({ kind: 'waiting_for_overlay', overlay: id });
      try {
        await abortable(this.options.overlays.whenComplete(id), signal);
      } catch (error) {
        if (signal.aborted) return;
        throw new DependencyError({ kind: 'overlay_failed', overlay: id, how: 'failed', error: (error as Error).message });
      }
    }
    const needs = Object.entries(spec.needs);
    if (needs.length === 0) return;
    onWait({ kind: 'waiting', on: needs.map(([name]) => name) });
    await Promise.all(needGroups(needs).map((group) => this.waitForAny(group, signal)));
  }

  // Met when one need of the group is (a group of one: that need); fails with the last failure when none can be.
  private async waitForAny(group: [string, Need][], signal: AbortSignal): Promise<void> {
    if (group.length === 1) {
      const [name, need] = group[0] as [string, Need];
      return this.waitForNeed(name, need.condition, signal);
    }
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.any(group.map(([name, need]) => this.waitForNeed(name, need.condition, inner.signal)));
    } catch (error) {
      throw (error as AggregateError).errors.at(-1);
    } finally {
      signal.removeEventListener('abort', onAbort);
      inner.abort();
    }
  }

  private waitForNeed(name: string, condition: UnitSpec['needs'][string]['condition'], signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const runner = this.runners.get(name);
        if (!runner) return finish(new DependencyError({ kind: 'need_failed', need: name, how: 'missing' }));
        const verdict = evaluateNeed(runner.state.status, condition, runner.desired === 'running');
        if (verdict === 'met') return finish();
        if (verdict === 'failed' || verdict === 'stopped') return finish(new DependencyError({ kind: 'need_failed', need: name, how: verdict }));
        return false;
      };
      const finish = (error?: Error): true => {
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
        return true;
      };
      const onAbort = () => finish();
      const unsubscribe = this.subscribe((event) => {
        if (event.unit === name) check();
      });
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  private onTransition(state: UnitState, from: UnitState['status'], reason: UnitReason | undefined): void {
    const event: UnitEvent = { ts: state.updatedAt, unit: state.name, from, to: state.status, ...(reason === undefined ? {} : { reason }) };
    this.log.info({ unit: state.name, from, to: state.status, reason }, 'unit status');
    for (const listener of [...this.listeners]) {
      try {
        listener(event, state);
      } catch (error) {
        this.log.error({ err: error }, 'event listener failed');
      }
    }
    this.persist();
  }

  private persist(): void {
    this.stateFile.save(() => [...this.runners.values()].map((runner) => runner.record()));
  }
}
