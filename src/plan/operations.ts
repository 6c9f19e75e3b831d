// The operations of a plan: the sandbox calls an apply makes, in order, derived from the changes (pure). An apply
// executes exactly this list, and `plan --json` prints it, so what is shown is what is done.
import type { SyncOp } from '../contract/sync.js';
import type { OverlayChange, UnitAction, UnitChange } from './diff.js';

/** One call to the sandbox. Unit lists are in the plan's order (needs first); the daemon orders stops itself. */
export type Operation =
  /** Stop units that are replaced or removed (the daemon stops dependents before their needs). */
  | { call: 'stop'; units: string[] }
  /** Forget units the file no longer names (and their logs). */
  | { call: 'remove'; units: string[] }
  /** Create an overlay, or copy it again (`resync`). */
  | { call: 'overlay.create'; overlay: string; resync: boolean }
  /** Apply what changed in an overlay's source to its target, operation by operation (contract/sync.ts). */
  | { call: 'overlay.sync'; overlay: string; ops: SyncOp[] }
  | { call: 'overlay.remove'; overlay: string }
  /** Define or update units; `replace` names the active ones that get a new process (the daemon does not decide again). */
  | { call: 'upsert'; units: string[]; replace: string[] }
  /** Start units and what they need; each starts once its needs are met. */
  | { call: 'start'; units: string[] };

/**
 * The calls in a safe order: stop what is replaced, restarted or removed, remove, sync overlays (so a restarted unit
 * never sees half its new files), upsert the new specs, then start (created, replaced, restarted, not-running units). An empty step makes no call.
 */
export function operationsOf(units: readonly UnitChange[], overlays: readonly OverlayChange[]): Operation[] {
  const named = (...actions: UnitAction[]) => units.filter((unit) => actions.includes(unit.action)).map((unit) => unit.name);
  const operations: Operation[] = [];
  const toStop = named('replace', 'restart', 'remove');
  if (toStop.length > 0) operations.push({ call: 'stop', units: toStop });
  const toRemove = named('remove');
  if (toRemove.length > 0) operations.push({ call: 'remove', units: toRemove });
  for (const overlay of overlays) {
    if (overlay.action === 'create' || overlay.action === 'resync') operations.push({ call: 'overlay.create', overlay: overlay.id, resync: overlay.action === 'resync' });
    if (overlay.action === 'sync') operations.push({ call: 'overlay.sync', overlay: overlay.id, ops: overlay.ops ?? [] });
    if (overlay.action === 'remove') operations.push({ call: 'overlay.remove', overlay: overlay.id });
  }
  const toUpsert = named('create', 'replace', 'update');
  if (toUpsert.length > 0) operations.push({ call: 'upsert', units: toUpsert, replace: named('replace') });
  const toStart = named('create', 'replace', 'restart', 'start');
  if (toStart.length > 0) operations.push({ call: 'start', units: toStart });
  return operations;
}
