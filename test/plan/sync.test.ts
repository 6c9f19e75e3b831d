// The plan of an incremental sync: a complete overlay whose source changed is synced operation by operation, and its
// on_change actions restart (or reinstall) the units working in its target.
import { describe, expect, it } from 'vitest';
import type { OnChangeRule, OverlayRecord, OverlaySpec } from '../../src/contract/overlay.js';
import type { Spec } from '../../src/contract/spec.js';
import type { SyncManifest } from '../../src/contract/sync.js';
import { PROJECT_LABEL, type UnitSpec, type UnitState } from '../../src/contract/unit.js';
import { diff, type OverlaySource } from '../../src/plan/diff.js';
import { unitSpec } from '../helpers/unit-spec.js';

const labels = { [PROJECT_LABEL]: 'shop' };
const file = (size: number) => ({ kind: 'file' as const, size, mtimeMs: 1, mode: 0o644 });

function overlay(onChange?: OnChangeRule[]): OverlaySpec {
  return { id: 'app', source: '/src/app', target: '/app', strategy: 'copy', ignore: [], labels, ...(onChange ? { onChange } : {}) };
}

function record(): OverlayRecord {
  return { id: 'app', source: '/src/app', target: '/app', strategy: 'copy', ignore: [], labels, created_at: 't', stats: { copied_files: 2, copied_dirs: 0, skipped: [] }, copy_status: 'complete' };
}

function unit(name: string, overlays: string[]): UnitSpec {
  return unitSpec(name, { labels, overlays, cwd: overlays.length > 0 ? '/app' : '/' });
}

function state(spec: UnitSpec): UnitState {
  return { name: spec.name, kind: spec.kind, spec, status: 'ready', exitCode: null, restartCount: 0, consecutiveFailures: 0, createdAt: 't', updatedAt: 't' };
}

function planFor(onChange: OnChangeRule[] | undefined, source: OverlaySource | SyncManifest, quiet?: Record<string, string[]>) {
  const units = [unit('api', ['app']), unit('db', [])];
  const spec: Spec = { name: 'shop', files: [], projectDir: '/p', sandbox: { provider: 'local', envs: {}, metadata: {}, headers: {}, options: {}, create: {} }, overlays: [overlay(onChange)], units: Object.fromEntries(units.map((u) => [u.name, u])), inputs: [] };
  const written: SyncManifest = { 'api.mjs': file(1), 'old.txt': file(1) };
  const sources = { app: 'scan' in source ? (source as OverlaySource) : { scan: { status: 'ok' as const, manifest: source as SyncManifest, unreadable: [] }, written } };
  return diff(spec, { units: units.map(state), overlays: [record()], sources }, quiet ? { quiet } : {});
}

const edited: SyncManifest = { 'api.mjs': file(2), 'README.md': file(1) };

describe('plan of an incremental sync', () => {
  it('syncs without restarting anything by default', () => {
    const plan = planFor(undefined, edited);
    expect(plan.overlays).toEqual([expect.objectContaining({ id: 'app', action: 'sync', cause: { kind: 'source_changed', changed: 2, deleted: 1 }, then: 'sync' })]);
    expect(plan.units.map((u) => u.action)).toEqual(['unchanged', 'unchanged']);
    expect(plan.operations).toEqual([{ call: 'overlay.sync', overlay: 'app', ops: expect.arrayContaining([{ op: 'delete', path: 'old.txt', kind: 'file' }]) }]);
  });

  it('restarts the units working in the target (stop, sync, start) when a rule says restart', () => {
    const plan = planFor([{ path: '*.mjs', action: 'restart' }], edited);
    expect(plan.units.find((u) => u.name === 'api')).toMatchObject({ action: 'restart', cause: { kind: 'overlay_synced', overlay: 'app', action: 'restart' } });
    expect(plan.units.find((u) => u.name === 'db')?.action).toBe('unchanged');
    expect(plan.operations.map((op) => op.call)).toEqual(['stop', 'overlay.sync', 'start']);
  });

  it('replaces them (install runs again) when a rule says install', () => {
    const plan = planFor([{ path: 'api.mjs', action: 'install' }], edited);
    expect(plan.units.find((u) => u.name === 'api')?.action).toBe('replace');
    expect(plan.operations.map((op) => op.call)).toEqual(['stop', 'overlay.sync', 'upsert', 'start']);
  });

  it('restarts nothing for quiet (flapping) paths, and syncs nothing while the source is gone', () => {
    expect(planFor([{ path: '*.mjs', action: 'restart' }], { 'api.mjs': file(2), 'old.txt': file(1) }, { app: ['api.mjs'] }).units.map((u) => u.action)).toEqual(['unchanged', 'unchanged']);
    const gone = planFor([{ path: '*.mjs', action: 'restart' }], { scan: { status: 'missing' }, written: {} });
    expect(gone.overlays).toEqual([{ id: 'app', action: 'unchanged', problem: { kind: 'source_missing', source: '/src/app' } }]);
    expect(gone.operations).toEqual([]);
  });
});
