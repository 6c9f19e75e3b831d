// The unit lifecycle state machine: the one place that decides which status changes are legal.
import type { UnitStatus } from '../../contract/unit.js';

/** Legal moves from each status. `pending → pending` is allowed so the reason can change while a unit waits. */
export const TRANSITIONS: Readonly<Record<UnitStatus, readonly UnitStatus[]>> = {
  pending: ['pending', 'installing', 'starting', 'failed', 'stopped'],
  installing: ['starting', 'failed', 'stopped'],
  starting: ['running', 'restarting', 'failed', 'completed', 'stopped'],
  running: ['ready', 'restarting', 'failed', 'completed', 'stopped'],
  ready: ['running', 'restarting', 'failed', 'completed', 'stopped'],
  restarting: ['starting', 'failed', 'stopped'],
  stopped: ['pending', 'starting'],
  failed: ['pending', 'starting'],
  completed: ['pending', 'starting'],
};

/** A status change the machine does not allow; it names both ends so the bug is easy to find. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly unit: string,
    readonly from: UnitStatus,
    readonly to: UnitStatus,
  ) {
    super(`unit ${unit}: illegal transition ${from} → ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** True when `from → to` is a legal move. */
export function canTransition(from: UnitStatus, to: UnitStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Checks a move and returns the new status; throws IllegalTransitionError for an illegal one. */
export function transition(unit: string, from: UnitStatus, to: UnitStatus): UnitStatus {
  if (!canTransition(from, to)) throw new IllegalTransitionError(unit, from, to);
  return to;
}
