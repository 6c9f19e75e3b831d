// Applying a plan to a sandbox: stop and remove what goes, upsert what changes, start what must run, then wait
// until every unit in scope has settled. Each apply reads the actual state afresh (level-based).
import type { Spec } from '../contract/spec.js';
import type { OverlayRecord, OverlaySpec } from '../contract/overlay.js';
import { PROJECT_LABEL, type UnitEvent, type UnitKind, type UnitSpec, type UnitState, type UnitStatus } from '../contract/unit.js';
import { diff, type Plan, type UnitAction } from '../plan/diff.js';
import { UnitTracker, type EventSource } from './track.js';

/** The part of a sandbox client an apply uses (the SDK client satisfies it). */
export interface ApplyTarget extends EventSource {
  units(): Promise<UnitState[]>;
  applyUnits(specs: UnitSpec[]): Promise<unknown>;
  /** Resolves with the named units' states once their starts are under way. */
  startUnits(names: string[]): Promise<UnitState[]>;
  stopUnits(names: string[]): Promise<unknown>;
  removeUnits(names: string[]): Promise<unknown>;
  overlays: {
    create(spec: OverlaySpec): Promise<unknown>;
    list(): Promise<OverlayRecord[]>;
    destroy(id: string): Promise<unknown>;
  };
}

/** How one unit ended up after an apply. */
export interface UnitOutcome {
  name: string;
  kind: UnitKind;
  action: UnitAction;
  status: UnitStatus | 'removed';
  reason?: string;
  /** The need whose failure kept this unit from starting. */
  blockedBy?: string;
  url?: string;
}

/** The result of an apply: the plan, each unit's outcome, and whether everything settled well in time. */
export interface ApplyResult {
  plan: Plan;
  units: UnitOutcome[];
  ok: boolean;
  timedOut: boolean;
}

/** Options of apply. */
export interface ApplyOptions {
  /** Only these units and their needs (`compute up NAME...`). */
  only?: string[];
  /** Wait until every unit in scope is ready, completed or failed (default true). */
  wait?: boolean;
  /** Give up waiting after this long. */
  timeoutMs?: number;
  /** Every state change seen while applying, for progress output. */
  onEvent?: (event: UnitEvent, state: UnitState) => void;
  /** Called with the plan once it is made, before anything changes. */
  onPlan?: (plan: Plan) => void;
  signal?: AbortSignal;
}

/** Plans against the sandbox's actual state and applies the difference. Throws PlanConflictError on a name clash. */
export async function apply(target: ApplyTarget, desired: Spec, options: ApplyOptions = {}): Promise<ApplyResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const tracker = await UnitTracker.subscribe(target, controller.signal, options.onEvent);
    const [units, overlays] = await Promise.all([target.units(), target.overlays.list()]);
    const plan = diff(desired, { units, overlays }, options.only ? { only: options.only } : {});
    if (plan.conflicts.length > 0) throw new PlanConflictError(plan.conflicts, units);
    options.onPlan?.(plan);
    for (const state of await execute(target, desired, plan)) tracker.offer(state);
    const scope = plan.units.filter((unit) => unit.action !== 'remove').map((unit) => unit.name);
    const timedOut = options.wait === false ? false : !(await tracker.settle(scope, options.timeoutMs, controller.signal));
    const outcomes = outcomesOf(plan, tracker);
    const ok = !timedOut && outcomes.every((unit) => unit.status !== 'failed' && unit.status !== 'stopped');
    return { plan, units: outcomes, ok, timedOut };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}

/** The file asks for units that exist in the sandbox but belong to another project. */
export class PlanConflictError extends Error {
  constructor(
    readonly names: string[],
    units: UnitState[],
  ) {
    const owners = names.map((name) => {
      const owner = units.find((unit) => unit.name === name)?.spec.labels[PROJECT_LABEL];
      return owner ? `${name} (project ${owner})` : `${name} (created outside compute)`;
    });
    super(`these units exist in the sandbox and belong to someone else; rename them or remove those first: ${owners.join(', ')}`);
    this.name = 'PlanConflictError';
  }
}

// The changes in a safe order: stop what is replaced or removed (the daemon stops dependents first), remove, upsert
// the new specs, sync overlays, then start; the daemon starts each unit as soon as its own needs are met.
async function execute(target: ApplyTarget, desired: Spec, plan: Plan): Promise<UnitState[]> {
  const named = (...actions: UnitAction[]) => plan.units.filter((unit) => actions.includes(unit.action)).map((unit) => unit.name);
  const toStop = named('replace', 'remove');
  if (toStop.length > 0) await target.stopUnits(toStop);
  const toRemove = named('remove');
  if (toRemove.length > 0) await target.removeUnits(toRemove);
  const labels = { [PROJECT_LABEL]: desired.name };
  for (const change of plan.overlays) {
    const spec = desired.overlays.find((overlay) => overlay.id === change.id);
    if ((change.action === 'create' || change.action === 'resync') && spec) await target.overlays.create({ ...spec, labels });
    if (change.action === 'remove') await target.overlays.destroy(change.id);
  }
  const toUpsert = named('create', 'replace', 'update').map((name) => desired.units[name] as UnitSpec);
  if (toUpsert.length > 0) await target.applyUnits(toUpsert);
  const toStart = named('create', 'replace', 'start');
  return toStart.length > 0 ? target.startUnits(toStart) : [];
}

function outcomesOf(plan: Plan, tracker: UnitTracker): UnitOutcome[] {
  return plan.units.map((change) => {
    const base = { name: change.name, kind: change.kind, action: change.action };
    if (change.action === 'remove') return { ...base, status: 'removed' as const };
    const state = tracker.get(change.name);
    const status = state?.status ?? 'pending';
    const blockedBy = /^dependency (\S+) /.exec(state?.reason ?? '')?.[1];
    return {
      ...base,
      status,
      ...(state?.reason ? { reason: state.reason } : {}),
      ...(blockedBy ? { blockedBy } : {}),
      ...(state?.url ? { url: state.url } : {}),
    };
  });
}
