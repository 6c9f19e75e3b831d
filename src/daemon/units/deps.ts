// What a unit runner needs from the rest of the daemon, as narrow interfaces (the supervisor wires the real parts).
import type { LogReader } from '../supervisor-api.js';
import type { LogLine } from '../../contract/wire.js';
import type { UnitReason } from '../../contract/reason.js';
import type { UnitSpec, UnitState, UnitStatus } from '../../contract/unit.js';
import type { SandboxCgroups } from './cgroup.js';

/** The part of the log store a runner uses: spool files for a process, and its lines. */
export interface UnitLogs extends LogReader {
  openSpool(unit: string): Promise<{ stdout: number; stderr: number }>;
  attach(unit: string): Promise<void>;
  onLine(unit: string, listener: (line: LogLine) => void): () => void;
  drain(unit: string): Promise<void>;
  remove(unit: string): Promise<void>;
}

/** Port bookkeeping across units, so two units never get the same port. */
export interface PortBook {
  /** The port for this unit's next process: its request if free, else per strict_port (throws PortInUseError). */
  allocate(unit: string, requested: number, strict: boolean): Promise<number>;
  /** Records a port a unit holds without allocating it (detected, or adopted after a daemon restart). */
  hold(unit: string, port: number): void;
  release(unit: string): void;
}

/** A minimal structured logger (pino's shape). */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** A failure to satisfy a unit's needs or overlays before it starts; its reason becomes the unit's. */
export class DependencyError extends Error {
  constructor(readonly reason: Extract<UnitReason, { kind: 'need_failed' | 'overlay_failed' }>) {
    super(reason.kind === 'need_failed' ? `need ${reason.need} ${reason.how}` : `overlay ${reason.overlay} ${reason.how}`);
    this.name = 'DependencyError';
  }
}

/** Everything a runner gets from its supervisor. */
export interface RunnerDeps {
  /** Host folder that is the sandbox's `/`. */
  root: string;
  /** Marks this sandbox's processes (see env.ts SANDBOX_MARKER). */
  sandboxId: string;
  logs: UnitLogs;
  ports: PortBook;
  log: Log;
  /** The units' cgroups, when the machine lets the daemon make them; else processes are tracked by group and markers. */
  cgroups: SandboxCgroups | undefined;
  /** Waits for the unit's overlays and needs; `onWait` reports what it waits for; throws DependencyError. */
  waitForDependencies(spec: UnitSpec, signal: AbortSignal, onWait: (reason: UnitReason) => void): Promise<void>;
  /** Called after every status change (the runner has already updated its state). */
  onTransition(state: UnitState, from: UnitStatus, reason: UnitReason | undefined): void;
  /** Called when something worth persisting changed without a status change (pid, port, health). */
  onChange(state: UnitState): void;
  /** Source of jitter for backoff (Math.random in production). */
  random: () => number;
}
