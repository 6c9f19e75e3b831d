// The contract between the daemon's HTTP layer and its unit supervisor: everything a route may ask of the units.
import type { UnitEvent, UnitSpec, UnitState } from '../contract/unit.js';
import type { LogLine, LogQuery } from '../contract/wire.js';

/** Reading the logs of units (the daemon's log store implements it). */
export interface LogReader {
  /** The unit's retained lines (rotated file first), filtered by stream, the last `tail` of them. */
  read(unit: string, query: LogQuery): Promise<LogLine[]>;
  /** The retained lines as `read` gives them, then every new line until `signal` aborts; lines after a restart included. */
  follow(unit: string, query: LogQuery, signal: AbortSignal): AsyncIterable<LogLine>;
  /** The units whose log indexing is paused because the disk is full (a store that cannot tell has no such method). */
  diskFull?(): string[];
}

/** Where a running unit's processes are found: its main process, and the members of its cgroup when it has one. */
export interface UnitProcessRoots {
  name: string;
  pid: number;
  cgroupPids?: number[];
}

/** A listener of unit state changes: the event, and the unit's state right after it. */
export type UnitListener = (event: UnitEvent, state: UnitState) => void;

/**
 * The units of one sandbox. Errors are DaemonError (400 invalid spec, 404 unknown unit, 409 conflict).
 * Operations on one unit are serialised; operations on different units run concurrently.
 */
export interface Supervisor {
  /** Host folder that is the sandbox's `/`. */
  readonly root: string;
  /** Every unit, in no particular order. */
  list(): UnitState[];
  /** One unit, or undefined. */
  get(name: string): UnitState | undefined;
  /**
   * Defines units or updates their specs, all or none (the batch is validated first: needs must name units that
   * exist in the batch or already). An active unit named in `replace` is replaced: stopped, then started with the new
   * spec. Any other changed spec is updated in place (e.g. a new restart policy), without a restart. The caller
   * decides which (the plan, or a route by contract/hash's needsReplace); the supervisor does not decide again.
   */
  upsert(specs: UnitSpec[], replace: ReadonlySet<string>): Promise<UnitState[]>;
  /**
   * Starts units that are not running, and their needs (each waits for its needs' conditions); resolves as soon as
   * every start is under way (status pending or later) with the named units' states; progress is reported by
   * events. Starting an active unit does nothing.
   */
  start(names: string[]): Promise<UnitState[]>;
  /** Stops units gracefully (dependents before their needs); resolves when every process is gone. */
  stop(names: string[]): Promise<void>;
  /** Stops and starts a unit (without re-running install); resolves once the new process is spawned, or it failed. */
  restart(name: string): Promise<UnitState>;
  /** Stops units (as stop) and forgets them; their logs are deleted. */
  remove(names: string[]): Promise<void>;
  /** The running units' main processes (and cgroup members), for measuring what they use. */
  processRoots(): UnitProcessRoots[];
  /** Subscribes to every state change; returns the unsubscribe function. */
  subscribe(listener: UnitListener): () => void;
  /** The units' logs. */
  readonly logs: LogReader;
  /** Stops every unit (dependents first) and releases all resources; used when the daemon exits. */
  shutdown(): Promise<void>;
}
