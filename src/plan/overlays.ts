// The overlay half of the plan (pure): which overlays are created, copied again, synced or removed, and which units
// an overlay's `on_change` actions restart.
import type { OnChangeAction, OverlayRecord, OverlaySpec } from '../contract/overlay.js';
import { actionFor } from '../contract/overlay-rules.js';
import type { Spec } from '../contract/spec.js';
import { countOperations, syncOperations, type SourceScan, type SyncManifest, type SyncOp } from '../contract/sync.js';
import { PROJECT_LABEL } from '../contract/unit.js';
import { sameValue } from './fields.js';

/** What happens to an overlay: `resync` copies it whole again, `sync` applies only what changed in the source. */
export type OverlayAction = 'create' | 'resync' | 'sync' | 'remove' | 'unchanged';

/** Why an overlay is copied again or synced. */
export type OverlayCause = { kind: 'changed' } | { kind: 'copy_failed' } | { kind: 'source_changed'; changed: number; deleted: number };

/** Something wrong with an overlay's source that the plan works around: nothing is synced, or some paths are left out. */
export type OverlayProblem = { kind: 'source_missing'; source: string } | { kind: 'unreadable'; paths: string[] };

/** The plan for one overlay. A `sync` carries its operations and the strongest `on_change` action they call for. */
export interface OverlayChange {
  id: string;
  action: OverlayAction;
  cause?: OverlayCause;
  ops?: SyncOp[];
  then?: OnChangeAction;
  problem?: OverlayProblem;
}

/** An overlay's source as scanned now, and what the overlay last wrote into its target. */
export interface OverlaySource {
  scan: SourceScan;
  written: SyncManifest;
}

/** The overlay changes: desired ones in file order, then the project's overlays the file no longer names. */
export function diffOverlays(
  desired: Spec,
  actual: OverlayRecord[],
  sources: Record<string, OverlaySource>,
  removeExtra: boolean,
  quiet: Record<string, readonly string[]>,
): OverlayChange[] {
  const actualById = new Map(actual.map((record) => [record.id, record]));
  const changes: OverlayChange[] = desired.overlays.map((spec) => overlayChange(spec, actualById.get(spec.id), sources[spec.id], new Set(quiet[spec.id] ?? [])));
  if (removeExtra) {
    const wanted = new Set(desired.overlays.map((spec) => spec.id));
    for (const record of actual) {
      if (record.labels?.[PROJECT_LABEL] === desired.name && !wanted.has(record.id)) changes.push({ id: record.id, action: 'remove' });
    }
  }
  return changes;
}

function overlayChange(spec: OverlaySpec, record: OverlayRecord | undefined, source: OverlaySource | undefined, quiet: ReadonlySet<string>): OverlayChange {
  if (!record) return { id: spec.id, action: 'create' };
  const same = record.source === spec.source && record.target === spec.target && record.strategy === spec.strategy && sameValue(record.ignore, spec.ignore);
  if (!same) return { id: spec.id, action: 'resync', cause: { kind: 'changed' } };
  if (record.copy_status === 'failed') return { id: spec.id, action: 'resync', cause: { kind: 'copy_failed' } };
  if (!source || record.copy_status !== 'complete') return { id: spec.id, action: 'unchanged' };
  // A source that is gone syncs nothing: deleting the target's files because a folder was renamed would lose work.
  if (source.scan.status === 'missing') return { id: spec.id, action: 'unchanged', problem: { kind: 'source_missing', source: spec.source } };
  const problem: OverlayProblem | undefined = source.scan.unreadable.length > 0 ? { kind: 'unreadable', paths: source.scan.unreadable } : undefined;
  const ops = syncOperations(source.scan.manifest, source.written);
  if (ops.length === 0) return { id: spec.id, action: 'unchanged', ...(problem ? { problem } : {}) };
  const then = actionFor(spec.onChange ?? [], ops.map((op) => op.path).filter((path) => !quiet.has(path)));
  return { id: spec.id, action: 'sync', cause: { kind: 'source_changed', ...countOperations(ops) }, ops, then, ...(problem ? { problem } : {}) };
}
