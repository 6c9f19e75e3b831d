// A small in-memory Supervisor for testing the HTTP layer in isolation: no processes; starts walk
// pending → starting → running → ready on later ticks, each with an event. Its limits: no health checks,
// no ports, no restart policy. The routes are also tested against the real supervisor (see daemon.test.ts).
import { badRequest, notFound } from '../../../src/daemon/errors.js';
import type { LogReader, Supervisor, UnitListener } from '../../../src/daemon/supervisor-api.js';
import type { LogLine, LogQuery } from '../../../src/contract/wire.js';
import type { UnitSpec, UnitState, UnitStatus } from '../../../src/contract/unit.js';

class MemoryLogs implements LogReader {
  private readonly lines = new Map<string, LogLine[]>();
  private readonly waiters = new Set<() => void>();

  append(unit: string, stream: 'stdout' | 'stderr', text: string): void {
    const list = this.lines.get(unit) ?? [];
    list.push({ ts: Date.now(), stream, text });
    this.lines.set(unit, list);
    for (const wake of [...this.waiters]) wake();
  }

  forget(unit: string): void {
    this.lines.delete(unit);
  }

  async read(unit: string, query: LogQuery): Promise<LogLine[]> {
    const all = (this.lines.get(unit) ?? []).filter((l) => query.stream === 'combined' || l.stream === query.stream);
    return query.tail === undefined ? all : all.slice(Math.max(0, all.length - query.tail));
  }

  async *follow(unit: string, query: LogQuery, signal: AbortSignal): AsyncIterable<LogLine> {
    const first = await this.read(unit, query);
    yield* first;
    let seen = (this.lines.get(unit) ?? []).length;
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
      const all = this.lines.get(unit) ?? [];
      for (const line of all.slice(seen)) if (query.stream === 'combined' || line.stream === query.stream) yield line;
      seen = all.length;
    }
  }
}

/** The fake, with hooks for tests: its logs (to append lines) and whether shutdown ran. */
export class FakeSupervisor implements Supervisor {
  readonly root: string;
  readonly logs = new MemoryLogs();
  shutdownCalls = 0;
  private readonly units = new Map<string, UnitState>();
  private readonly listeners = new Set<UnitListener>();
  private nextPid = 40_000;

  constructor(root: string) {
    this.root = root;
  }

  list(): UnitState[] {
    return [...this.units.values()].map((s) => structuredClone(s));
  }

  get(name: string): UnitState | undefined {
    const state = this.units.get(name);
    return state && structuredClone(state);
  }

  async upsert(specs: UnitSpec[], _replace: ReadonlySet<string>): Promise<UnitState[]> {
    const names = new Set([...this.units.keys(), ...specs.map((s) => s.name)]);
    for (const spec of specs) {
      for (const need of Object.keys(spec.needs)) if (!names.has(need)) throw badRequest(`unit ${spec.name} needs unknown unit ${need}`);
    }
    const now = new Date().toISOString();
    return specs.map((spec) => {
      const old = this.units.get(spec.name);
      const state: UnitState = old
        ? { ...old, spec, kind: spec.kind, updatedAt: now }
        : { name: spec.name, kind: spec.kind, spec, status: 'stopped', exitCode: null, restartCount: 0, consecutiveFailures: 0, createdAt: now, updatedAt: now };
      this.units.set(spec.name, state);
      return structuredClone(state);
    });
  }

  async start(names: string[]): Promise<UnitState[]> {
    for (const name of names) this.require(name);
    for (const name of names) {
      const state = this.require(name);
      if (state.status !== 'stopped' && state.status !== 'failed' && state.status !== 'completed') continue;
      this.move(state, 'pending');
      setImmediate(() => {
        if (!this.step(state, 'pending', 'starting')) return;
        state.pid = this.nextPid++;
        setImmediate(() => {
          if (this.step(state, 'starting', 'running')) setImmediate(() => this.step(state, 'running', 'ready'));
        });
      });
    }
    return names.map((n) => structuredClone(this.require(n)));
  }

  async stop(names: string[]): Promise<void> {
    for (const name of names) this.require(name);
    for (const name of names) {
      const state = this.require(name);
      if (state.status === 'stopped') continue;
      delete state.pid;
      this.move(state, 'stopped');
    }
  }

  async restart(name: string): Promise<UnitState> {
    const state = this.require(name);
    if (state.status !== 'stopped') this.move(state, 'stopped');
    state.pid = this.nextPid++;
    this.move(state, 'starting');
    this.move(state, 'running');
    return structuredClone(state);
  }

  async remove(names: string[]): Promise<void> {
    await this.stop(names);
    for (const name of names) {
      this.units.delete(name);
      this.logs.forget(name);
    }
  }

  // No processes: GET /v1/stats lists no unit (it is tested against the real supervisor).
  processRoots(): [] {
    return [];
  }

  subscribe(listener: UnitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls++;
    await this.stop([...this.units.keys()]);
  }

  private require(name: string): UnitState {
    const state = this.units.get(name);
    if (!state) throw notFound(`unit ${name} not found`);
    return state;
  }

  // A scheduled step happens only if nothing (a stop, a removal) moved the unit meanwhile.
  private step(state: UnitState, from: UnitStatus, to: UnitStatus): boolean {
    if (this.units.get(state.name) !== state || state.status !== from) return false;
    this.move(state, to);
    return true;
  }

  private move(state: UnitState, to: UnitStatus): void {
    const from = state.status;
    state.status = to;
    state.updatedAt = new Date().toISOString();
    if (to === 'running') state.url = `http://localhost:${state.spec.port ?? 3000}`;
    const event = { ts: state.updatedAt, unit: state.name, from, to };
    for (const listener of this.listeners) listener(event, structuredClone(state));
  }
}
