// Observing a sandbox for a plan: its units and overlays, and for each complete overlay of the file, its source as it
// is now beside what the overlay last wrote (the sync engine's two manifests).
import type { OverlayRecord } from '../contract/overlay.js';
import type { Spec } from '../contract/spec.js';
import type { SyncManifest } from '../contract/sync.js';
import type { UnitState } from '../contract/unit.js';
import type { ActualState, OverlaySource } from '../plan/diff.js';
import { scanPaths, scanSource } from './scan.js';

/** The part of a sandbox client that observing uses. */
export interface ObserveTarget {
  units(): Promise<UnitState[]>;
  overlays: {
    list(): Promise<OverlayRecord[]>;
    manifest(id: string): Promise<SyncManifest>;
  };
}

/**
 * Reads the actual state, with sources only for the overlays that can be synced (complete, same source and target).
 * With `changed` (the paths a watcher reported, by overlay), each source is scanned at those paths only.
 */
export async function observe(target: ObserveTarget, desired: Spec, changed?: Record<string, readonly string[]>): Promise<ActualState> {
  const [units, overlays] = await Promise.all([target.units(), target.overlays.list()]);
  const byId = new Map(overlays.map((record) => [record.id, record]));
  const sources: Record<string, OverlaySource> = {};
  await Promise.all(
    desired.overlays.map(async (spec) => {
      const record = byId.get(spec.id);
      if (record?.copy_status !== 'complete' || record.source !== spec.source || record.target !== spec.target) return;
      const written = await target.overlays.manifest(spec.id);
      const scan = changed ? await scanPaths(spec, written, changed[spec.id] ?? []) : await scanSource(spec, written);
      sources[spec.id] = { scan, written };
    }),
  );
  return { units, overlays, sources };
}
