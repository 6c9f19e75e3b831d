// The plan: what must change in a sandbox to make it match a Spec, and the exact calls that do it. Pure: desired and
// actual in, changes (with their causes) and operations out.
import { buildGraph } from '../contract/graph.js';
import { needsReplace } from '../contract/hash.js';
import type { OverlayRecord } from '../contract/overlay.js';
import { baseOf, expandNames } from '../contract/replicas.js';
import type { Spec } from '../contract/spec.js';
import { WANTED_STATUSES } from '../contract/status.js';
import { PROJECT_LABEL, type UnitKind, type UnitSpec, type UnitState, type UnitStatus } from '../contract/unit.js';
import { changedFields, sameValue } from './fields.js';
import { operationsOf, type Operation } from './operations.js';
import { diffOverlays, type OverlayChange, type OverlaySource } from './overlays.js';

export type { OverlayAction, OverlayCause, OverlayChange, OverlayProblem, OverlaySource } from './overlays.js';

/**
 * What happens to a unit: `update` takes changed fields in place without a restart (e.g. a new restart policy);
 * `restart` stops and starts it again without install (an overlay's `on_change: restart`).
 */
export type UnitAction = 'create' | 'replace' | 'update' | 'restart' | 'start' | 'remove' | 'unchanged';

/** Why a unit changes beyond its changed fields, as data (the CLI renders it). */
export type ChangeCause =
  /** Unchanged, but not running: it is started again. */
  | { kind: 'not_running'; status: UnitStatus }
  /** Replaced because a need it restarts with (`restart: true`) is replaced. */
  | { kind: 'need_replaced'; need: string }
  /** Restarted (or reinstalled: replaced) because an overlay it works in synced a change whose `on_change` says so. */
  | { kind: 'overlay_synced'; overlay: string; action: 'restart' | 'install' }
  /** Created although none of its profiles is active: active units need it. */
  | { kind: 'needed_by'; by: string[]; profiles: string[] };

/** The plan for one unit. `changed` lists the fields (YAML names) behind a replace or update. */
export interface UnitChange {
  name: string;
  kind: UnitKind;
  action: UnitAction;
  changed?: string[];
  cause?: ChangeCause;
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

/** What the sandbox runs now; `sources` (by overlay id) lets complete overlays be synced incrementally. */
export interface ActualState {
  units: UnitState[];
  overlays: OverlayRecord[];
  sources?: Record<string, OverlaySource>;
}

/** Options of diff. */
export interface DiffOptions {
  /** Only these units and their transitive needs. */
  only?: string[];
  /** Source paths, by overlay id, that are synced but restart nothing (found flapping by `up --watch`). */
  quiet?: Record<string, readonly string[]>;
}

/**
 * Diffs the desired Spec against the actual state. With `only` (names of the file: `web` stands for its replicas),
 * the plan covers those units and their transitive needs and removes only their surplus replicas (as `compose up NAME`).
 */
export function diff(desired: Spec, actual: ActualState, options: DiffOptions = {}): Plan {
  const graph = buildGraph(desired.units);
  const only = options.only && expandNames(Object.values(desired.units), options.only);
  const scope = only ? graph.withNeeds(only) : graph.startOrder;
  const actualByName = new Map(actual.units.map((unit) => [unit.name, unit]));
  const conflicts: string[] = [];
  const changes = new Map<string, UnitChange>();
  for (const name of scope) {
    const spec = desired.units[name] as UnitSpec;
    const current = actualByName.get(name);
    if (current && current.spec.labels[PROJECT_LABEL] !== desired.name) conflicts.push(name);
    else changes.set(name, unitChange(spec, current, neededBy(desired, spec)));
  }
  cascadeRestarts(desired.units, changes);
  for (const unit of removed(desired, actual, options.only)) changes.set(unit.name, { name: unit.name, kind: unit.kind, action: 'remove' });
  if (options.only) for (const change of rescaledNeeds(desired, actualByName, changes)) changes.set(change.name, change);
  const overlays = diffOverlays(desired, actual.overlays, actual.sources ?? {}, !options.only, options.quiet ?? {});
  restartForOverlays(desired.units, overlays, changes);
  const units = [...changes.values()];
  return { project: desired.name, units, overlays, operations: operationsOf(units, overlays), conflicts };
}

// With `only`, units left out whose needs alone changed and name a unit the plan creates or removes: a unit that
// needs web, when `compute scale web=2` makes web's replicas others. They take the new needs in place.
function rescaledNeeds(desired: Spec, actual: ReadonlyMap<string, UnitState>, changes: ReadonlyMap<string, UnitChange>): UnitChange[] {
  const touched = (name: string) => ['create', 'remove'].includes(changes.get(name)?.action ?? '');
  return Object.values(desired.units).flatMap((spec): UnitChange[] => {
    const current = actual.get(spec.name);
    if (changes.has(spec.name) || !current || current.spec.labels[PROJECT_LABEL] !== desired.name) return [];
    if (sameValue(spec.needs, current.spec.needs) || changedFields(spec, current.spec).some((field) => field !== 'needs')) return [];
    if (![...Object.keys(spec.needs), ...Object.keys(current.spec.needs)].some(touched)) return [];
    return [{ name: spec.name, kind: spec.kind, action: 'update', changed: ['needs'] }];
  });
}

// The project's units the Spec no longer has. With `only`, just the replicas past the new count of the units named
// (`compute scale web=2` stops web-3); else every one, but a unit of an inactive profile that runs (an earlier `up
// --profile` started it) is left alone, as in compose.
function removed(desired: Spec, actual: ActualState, only: readonly string[] | undefined): UnitState[] {
  const inactive = desired.profiles?.inactive ?? {};
  const named = new Set(only);
  return actual.units.filter((unit) => {
    if (unit.spec.labels[PROJECT_LABEL] !== desired.name || unit.name in desired.units) return false;
    const base = baseOf(unit.spec);
    return only ? named.has(base) : !Object.hasOwn(inactive, base);
  });
}

// Why a unit of an inactive profile is in the plan, if it is one (own keys only: a unit may be named `constructor`).
function neededBy(desired: Spec, spec: UnitSpec): { by: string[]; profiles: string[] } | undefined {
  const needed = desired.profiles?.needed;
  const base = baseOf(spec);
  return needed && Object.hasOwn(needed, base) ? needed[base] : undefined;
}

/** True when applying the plan would change nothing. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.units.every((unit) => unit.action === 'unchanged') && plan.overlays.every((overlay) => overlay.action === 'unchanged');
}

function unitChange(spec: UnitSpec, current: UnitState | undefined, needed?: { by: string[]; profiles: string[] }): UnitChange {
  const base = { name: spec.name, kind: spec.kind };
  if (!current) return { ...base, action: 'create', ...(needed ? { cause: { kind: 'needed_by', by: needed.by, profiles: needed.profiles } } : {}) };
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

// A synced overlay whose `on_change` asks for it restarts (or reinstalls) the units working in its target. A unit
// already being created, replaced or started gets its new files anyway; one with changed fields is replaced.
function restartForOverlays(units: Record<string, UnitSpec>, overlays: readonly OverlayChange[], changes: Map<string, UnitChange>): void {
  for (const overlay of overlays) {
    if (overlay.action !== 'sync' || overlay.then === undefined || overlay.then === 'sync') continue;
    const action = overlay.then;
    for (const [name, change] of changes) {
      if (!units[name]?.overlays.includes(overlay.id)) continue;
      const cause = { kind: 'overlay_synced' as const, overlay: overlay.id, action };
      if (change.action === 'unchanged') changes.set(name, { ...change, action: action === 'install' ? 'replace' : 'restart', cause });
      else if (change.action === 'update' || (change.action === 'restart' && action === 'install')) changes.set(name, { ...change, action: 'replace', cause });
    }
  }
}
