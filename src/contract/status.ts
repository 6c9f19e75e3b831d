// The groups of unit statuses, derived from one table so that every layer means the same by "active" or "settled".
import type { UnitStatus } from './unit.js';

interface StatusTraits {
  /** A lifecycle is under way: waiting for needs, installing, a process alive or a restart due. */
  active: boolean;
  /** Nothing changes from here without a command or a crash: ready, or at rest. */
  settled: boolean;
}

// Exhaustive: a new status does not compile until it is placed in every group.
const TRAITS: Readonly<Record<UnitStatus, StatusTraits>> = {
  pending: { active: true, settled: false },
  installing: { active: true, settled: false },
  starting: { active: true, settled: false },
  running: { active: true, settled: false },
  ready: { active: true, settled: true },
  restarting: { active: true, settled: false },
  stopped: { active: false, settled: true },
  failed: { active: false, settled: true },
  completed: { active: false, settled: true },
};

const statuses = Object.keys(TRAITS) as UnitStatus[];
const group = (test: (traits: StatusTraits, status: UnitStatus) => boolean): ReadonlySet<UnitStatus> =>
  new Set(statuses.filter((status) => test(TRAITS[status], status)));

/** Statuses with a lifecycle under way (waiting, installing, a process alive or due). */
export const ACTIVE_STATUSES = group((t) => t.active);

/** Statuses with no process and none due: stopped, failed, completed. */
export const AT_REST_STATUSES = group((t) => !t.active);

/** Statuses a unit rests in until something changes it: ready, or at rest. */
export const SETTLED_STATUSES = group((t) => t.settled);

/** Statuses that are as a compose file asks (active, or a one-shot that completed): anything else is started again. */
export const WANTED_STATUSES = group((t, status) => t.active || status === 'completed');

/** Statuses at rest without a failure: what a unit was asked to be (stopped) or finished being (completed). */
export const ENDED_WELL_STATUSES = group((t, status) => !t.active && status !== 'failed');
