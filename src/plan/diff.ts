// The plan: what must change in a sandbox to make it match a Spec, and the exact calls that do it. Pure: desired and
// actual in, changes (with their causes) and operations out.
import { buildGraph } from '../contract/graph.js';
import { needsReplace } from '../contract/hash.js';
import type { OverlayRecord, OverlaySpec } from '../contract/overlay.js';
import type { Spec } from '../contract/spec.js';
import { WANTED_STATUSES } from '../contract/status.js';
import { PROJECT_LABEL, type UnitKind, type UnitSpec, type UnitState, type UnitStatus } from '../contract/unit.js';
import { changedFields, sameValue } from './fields.js';
import { operationsOf, type Operation } from './operations.js';

/** What happens to a unit: `update` takes changed fields in place without a restart (e.g. a new restart policy). */
export type UnitAction = 'create' | 'replace' | 'update' | 'start' | 'remove' | 'unchanged';

/** Why a unit changes beyond its changed fields, as data (the CLI renders it). */
export type ChangeCause =
  /** Unchanged, but not running: it is started again. */
  | { kind: 'not_running'; status: UnitStatus }
  /** Replaced because a need it restarts with (`restart: true`) is replaced. */
  | { kind: 'need_replaced'; need: string };

/** The plan for one unit. `changed` lists the fields (YAML names) behind a replace or update. */
export interface UnitChange {
  name: string;
  kind: UnitKind;
  action: UnitAction;
  changed?: string[];
  cause?: ChangeCause;
}

/** What happens to an overlay. */
export type OverlayAction = 'create' | 'resync' | 'remove' | 'unchanged';

/** Why an overlay is copied again. */
export type OverlayCause = { kind: 'changed' } | { kind: 'copy_failed' };

/** The plan for one overlay. */
export interface OverlayChange {
  id: string;
  action: OverlayAction;
  cause?: OverlayCause;
}

/** Everything an apply would do, units in dependency order (needs first), plus names it must not touch. */
export interface Plan {
  project: string;
  units: UnitChange[];
  overlays: OverlayChange[];
  /** The calls an apply makes, in order: exactly this list, nothing else. */
  operations: Operation[];
  /** Units the file asks for that exist in the sandbox but belong to another project (or to none). */
  conflicts: string[];
}

/** What the sandbox runs now. */
export interface ActualState {
  units: UnitState[];
  overlays: OverlayRecord[];
}

/**
 * Diffs the desired Spec against the actual state. With `only`, the plan covers those units and their transitive
 * needs and removes nothing (as `compose up NAME`).
 */
export function diff(desired: Spec, actual: ActualState, options: { only?: string[] } = {}): Plan {
  const graph = buildGraph(desired.units);
  const scope = options.only ? graph.withNeeds(options.only) : graph.startOrder;
  const actualByName = new Map(actual.units.map((unit) => [unit.name, unit]));
  const conflicts: string[] = [];
  const changes = new Map<string, UnitChange>();
  for (const name of scope) {
    const spec = desired.units[name] as UnitSpec;
    const current = actualByName.get(name);
    if (current && current.spec.labels[PROJECT_LABEL] !== desired.name) conflicts.push(name);
    else changes.set(name, unitChange(spec, current));
  }
  cascadeRestarts(desired.units, changes);
  if (!options.only) {
    for (const unit of actual.units) {
      if (unit.spec.labels[PROJECT_LABEL] === desired.name && !(unit.name in desired.units)) {
        changes.set(unit.name, { name: unit.name, kind: unit.kind, action: 'remove' });
      }
    }
  }
  const units = [...changes.values()];
  const overlays = diffOverlays(desired, actual.overlays, !options.only);
  return { project: desired.name, units, overlays, operations: operationsOf(units, overlays), conflicts };
}

/** True when applying the plan would change nothing. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.units.every((unit) => unit.action === 'unchanged') && plan.overlays.every((overlay) => overlay.action === 'unchanged');
}

function unitChange(spec: UnitSpec, current: UnitState | undefined): UnitChange {
  const base = { name: spec.name, kind: spec.kind };
  if (!current) return { ...base, action: 'create' };
  if (needsReplace(current.spec, spec)) return { ...base, action: 'replace', changed: changedFields(spec, current.spec) };
  const changed = changedFields(spec, current.spec);
  if (!WANTED_STATUSES.has(current.status)) {
    return { ...base, action: 'start', cause: { kind: 'not_running', status: current.status }, ...(changed.length > 0 ? { changed } : {}) };
  }
  if (changed.length > 0 || !sameValue(spec.labels, current.spec.labels)) return { ...base, action: 'update', changed };
  return { ...base, action: 'unchanged' };
}

// Dependents that asked to restart with a need (`needs: {x: {restart: true}}`) are replaced when x is.
function cascadeRestarts(units: Record<string, UnitSpec>, changes: Map<string, UnitChange>): void {
  for (const [name, change] of changes) {
    if (change.action === 'create' || change.action === 'replace') continue;
    const spec = units[name];
    const trigger = Object.entries(spec?.needs ?? {}).find(([need, { restart }]) => restart && changes.get(need)?.action === 'replace');
    if (trigger) changes.set(name, { ...change, action: 'replace', cause: { kind: 'need_replaced', need: trigger[0] } });
  }
}

function diffOverlays(desired: Spec, actual: OverlayRecord[], removeExtra: boolean): OverlayChange[] {
  const actualById = new Map(actual.map((record) => [record.id, record]));
  const changes: OverlayChange[] = desired.overlays.map((spec) => overlayChange(spec, actualById.get(spec.id)));
  if (removeExtra) {
    const wanted = new Set(desired.overlays.map((spec) => spec.id));
    for (const record of actual) {
      if (record.labels?.[PROJECT_LABEL] === desired.name && !wanted.has(record.id)) changes.push({ id: record.id, action: 'remove' });
    }
  }
  return changes;
}

function overlayChange(spec: OverlaySpec, record: OverlayRecord | undefined): OverlayChange {
  if (!record) return { id: spec.id, action: 'create' };
  const same = record.source === spec.source && record.target === spec.target && record.strategy === spec.strategy && sameValue(record.ignore, spec.ignore);
  if (!same) return { id: spec.id, action: 'resync', cause: { kind: 'changed' } };
  if (record.copy_status === 'failed') return { id: spec.id, action: 'resync', cause: { kind: 'copy_failed' } };
  return { id: spec.id, action: 'unchanged' };
}
