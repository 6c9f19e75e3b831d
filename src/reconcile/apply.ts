// Applying a plan to a sandbox: execute exactly the plan's operations, then wait until every unit in scope has
// settled. Each apply reads the actual state afresh (level-based); its result is one outcome the CLI switches on.
import { blockedBy, type UnitReason } from '../contract/reason.js';
import type { OverlaySpec } from '../contract/overlay.js';
import type { Spec } from '../contract/spec.js';
import { SETTLED_STATUSES } from '../contract/status.js';
import { PROJECT_LABEL, type UnitEvent, type UnitKind, type UnitSpec, type UnitState, type UnitStatus } from '../contract/unit.js';
import { diff, type Plan, type UnitAction } from '../plan/diff.js';
import type { Operation } from '../plan/operations.js';
import type { SyncOp, SyncResult } from '../contract/sync.js';
import { observe, type ObserveTarget } from './observe.js';
import { UnitTracker, type EventSource, type WaitResult } from './track.js';

/** The part of a sandbox client an apply uses (the SDK client satisfies it). */
export interface ApplyTarget extends EventSource {
  units(): Promise<UnitState[]>;
  applyUnits(specs: UnitSpec[], replace: string[]): Promise<unknown>;
  /** Resolves with the named units' states once their starts are under way. */
  startUnits(names: string[]): Promise<UnitState[]>;
  stopUnits(names: string[]): Promise<unknown>;
  removeUnits(names: string[]): Promise<unknown>;
  overlays: ObserveTarget['overlays'] & {
    create(spec: OverlaySpec): Promise<unknown>;
    destroy(id: string): Promise<unknown>;
    sync(id: string, ops: readonly SyncOp[]): Promise<SyncResult>;
  };
}

/** How one unit ended up after an apply. */
export interface UnitOutcome {
  name: string;
  kind: UnitKind;
  action: UnitAction;
  status: UnitStatus | 'removed';
  reason?: UnitReason;
  /** The need whose failure kept this unit from starting. */
  blockedBy?: string;
  /** It failed, restarted or exited non-zero while the apply waited, whatever its status is now. */
  troubled?: true;
  /** The port it got (a taken one moves to the next free one unless strict_port). */
  port?: number;
  url?: string;
}

/** How an apply ended: everything settled well, some units failed, the wait ran out, or the daemon went away. */
export type ApplyOutcome =
  | { kind: 'done' }
  | { kind: 'failed'; units: string[] }
  | { kind: 'timed_out'; waiting: string[] }
  | { kind: 'daemon_lost'; error: string };

/** The result of an apply: the plan, each unit's outcome, what each overlay sync did, and how it ended. */
export interface ApplyResult {
  plan: Plan;
  units: UnitOutcome[];
  synced: Record<string, SyncResult>;
  outcome: ApplyOutcome;
}

/** Options of apply. */
export interface ApplyOptions {
  /** Only these units and their needs (`compute up NAME...`). */
  only?: string[];
  /** Overlay source paths that restart nothing (see DiffOptions.quiet). */
  quiet?: Record<string, readonly string[]>;
  /** The overlay source paths a watcher reported since the last apply: only those are scanned (default: all). */
  changed?: Record<string, readonly string[]>;
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

// A unit that goes to one of these while the apply waits did not come up cleanly (issue 13: a crash-looping unit
// was reported ready because it was, for a moment, between two crashes).
const TROUBLE: ReadonlySet<UnitStatus> = new Set(['restarting', 'failed']);

/** Plans against the sandbox's actual state and applies the difference. Throws PlanConflictError on a name clash. */
export async function apply(target: ApplyTarget, desired: Spec, options: ApplyOptions = {}): Promise<ApplyResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const troubled = new Set<string>();
  const onEvent = (event: UnitEvent, state: UnitState) => {
    if (TROUBLE.has(event.to)) troubled.add(event.unit);
    options.onEvent?.(event, state);
  };
  try {
    const tracker = await UnitTracker.subscribe(target, controller.signal, onEvent);
    const actual = await observe(target, desired, options.changed);
    const plan = diff(desired, actual, { ...(options.only ? { only: options.only } : {}), ...(options.quiet ? { quiet: options.quiet } : {}) });
    if (plan.conflicts.length > 0) throw new PlanConflictError(plan.conflicts, actual.units);
    options.onPlan?.(plan);
    const synced: Record<string, SyncResult> = {};
    for (const state of await execute(target, desired, plan.operations, synced)) tracker.offer(state);
    const scope = plan.units.filter((unit) => unit.action !== 'remove').map((unit) => unit.name);
    const settledOrTroubled = () => scope.every((name) => troubled.has(name) || isSettled(tracker.get(name)));
    const waited: WaitResult = options.wait === false ? 'met' : await tracker.until(settledOrTroubled, options.timeoutMs, controller.signal);
    const outcomes = outcomesOf(plan, tracker, troubled);
    return { plan, units: outcomes, synced, outcome: outcomeOf(waited, outcomes, tracker) };
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

/** Executes the plan's operations, in order, one call each; returns the states the start replied with. */
export async function execute(target: ApplyTarget, desired: Spec, operations: readonly Operation[], synced: Record<string, SyncResult> = {}): Promise<UnitState[]> {
  const labels = { [PROJECT_LABEL]: desired.name };
  let started: UnitState[] = [];
  for (const operation of operations) {
    switch (operation.call) {
      case 'stop':
        await target.stopUnits(operation.units);
        break;
      case 'remove':
        await target.removeUnits(operation.units);
        break;
      case 'overlay.create': {
        // on_change is the reconciler's business; the daemon only copies.
        const { onChange: _onChange, ...spec } = specOf(desired.overlays, operation.overlay);
        await target.overlays.create({ ...spec, labels });
        break;
      }
      case 'overlay.sync':
        synced[operation.overlay] = await target.overlays.sync(operation.overlay, operation.ops);
        break;
      case 'overlay.remove':
        await target.overlays.destroy(operation.overlay);
        break;
      case 'upsert':
        await target.applyUnits(operation.units.map((name) => desired.units[name] as UnitSpec), operation.replace);
        break;
      case 'start':
        started = await target.startUnits(operation.units);
        break;
    }
  }
  return started;
}

function specOf(overlays: readonly OverlaySpec[], id: string): OverlaySpec {
  const spec = overlays.find((overlay) => overlay.id === id);
  if (!spec) throw new Error(`the plan names overlay ${id}, which the file does not define`);
  return spec;
}

function isSettled(state: UnitState | undefined): boolean {
  return state !== undefined && SETTLED_STATUSES.has(state.status);
}

function outcomesOf(plan: Plan, tracker: UnitTracker, troubled: ReadonlySet<string>): UnitOutcome[] {
  return plan.units.map((change) => {
    const base = { name: change.name, kind: change.kind, action: change.action };
    if (change.action === 'remove') return { ...base, status: 'removed' as const };
    const state = tracker.get(change.name);
    const blocker = blockedBy(state?.reason);
    return {
      ...base,
      status: state?.status ?? 'pending',
      ...(state?.reason ? { reason: state.reason } : {}),
      ...(blocker ? { blockedBy: blocker } : {}),
      ...(troubled.has(change.name) ? { troubled: true as const } : {}),
      ...(state?.port === undefined ? {} : { port: state.port }),
      ...(state?.url ? { url: state.url } : {}),
    };
  });
}

// One verdict from the wait and the units: the daemon's loss first, then failures (a unit in trouble counts even if it
// looks fine now), then a timeout, else done.
function outcomeOf(waited: WaitResult, units: readonly UnitOutcome[], tracker: UnitTracker): ApplyOutcome {
  if (waited === 'lost') return { kind: 'daemon_lost', error: tracker.lostBecause?.message ?? 'the event stream ended' };
  const failed = units.filter((unit) => unit.troubled || unit.status === 'failed' || unit.status === 'stopped').map((unit) => unit.name);
  if (failed.length > 0) return { kind: 'failed', units: failed };
  if (waited === 'timed_out') {
    return { kind: 'timed_out', waiting: units.filter((unit) => unit.status !== 'removed' && !isSettled(tracker.get(unit.name))).map((unit) => unit.name) };
  }
  return { kind: 'done' };
}
