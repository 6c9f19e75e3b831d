// Pure helpers over overlay specs and records: comparing specs, copying records.
import { createHash } from 'node:crypto';
import type { CopyStatus, OverlayRecord, OverlaySpec, OverlayStats } from '../../contract/overlay.js';
import { normaliseSandboxPath } from '../../contract/paths.js';

/**
 * A stable overlay id for a target, for clients that send no id (the 2.x client's POST /filesystem/overlays).
 * One id per target makes a repeated create a no-op or a resync instead of a second overlay over the same files.
 * Throws PathEscapeError for a target that climbs out of the root.
 */
export function overlayIdFor(target: string): string {
  const hash = createHash('sha256').update(normaliseSandboxPath(target)).digest('hex');
  return `overlay-${hash.slice(0, 16)}`;
}

/** True while a copy is still to run or running. */
export function isRunning(status: CopyStatus): boolean {
  return status === 'pending' || status === 'in_progress';
}

/** True when two specs copy the same thing. Labels do not count: a label change alone must not trigger a resync. */
export function sameSync(a: OverlaySpec, b: OverlaySpec): boolean {
  return (
    a.source === b.source &&
    a.target === b.target &&
    a.strategy === b.strategy &&
    sameList(a.ignore, b.ignore) &&
    sameList(a.symlinkDirs ?? [], b.symlinkDirs ?? [])
  );
}

/** Same items in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** Same labels, in any order. */
export function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
}

/** A copy of counters that later progress cannot change. */
export function cloneStats(stats: OverlayStats): OverlayStats {
  return { ...stats, skipped: [...stats.skipped] };
}

/** A copy of a record handed out to callers, so they cannot change the manager's own. */
export function clone(record: OverlayRecord): OverlayRecord {
  return structuredClone(record);
}

/** A pending record for a spec about to be copied, keeping the creation time of the overlay it replaces. */
export function newRecord(spec: OverlaySpec, createdAt: string | undefined, now: string): OverlayRecord {
  const record: OverlayRecord = {
    id: spec.id,
    source: spec.source,
    target: spec.target,
    strategy: spec.strategy,
    ignore: [...spec.ignore],
    created_at: createdAt ?? now,
    updated_at: now,
    stats: { copied_files: 0, copied_dirs: 0, symlinked_dirs: 0, skipped: [] },
    copy_status: 'pending',
    copy_error: null,
  };
  if (spec.labels) record.labels = { ...spec.labels };
  return record;
}

/** A failure's message with host paths shown as the client knows them: the sandbox target, the source it gave. */
export function describeFailure(error: unknown, hostPaths: Array<[string, string]>): string {
  let message = error instanceof Error ? error.message : String(error);
  for (const [host, shown] of hostPaths) message = message.replaceAll(host, shown === '/' ? '' : shown);
  return message;
}
