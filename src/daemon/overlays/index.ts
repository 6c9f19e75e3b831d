// The daemon's overlays: records of host folders synced into sandbox paths, copied in the background.
//
// What is copied is decided in contract/overlay-rules.ts (ignore, `smart` package folders symlinked to the source,
// symlinks kept only when they stay inside) and done by sync.ts (first copy, resync) and apply-ops.ts (a sync).
//
// Ownership rule (resync and destroy): an overlay owns the entries it copied into its target, listed in its
// manifest. A resync makes those paths mirror the source again (the source wins, a unit's edits to them are
// overwritten) and removes the ones the source no longer has; destroy removes them all. Files a unit wrote that the
// source never provided are kept in both cases, and so are the folders that still hold them.
import { mkdirSync } from 'node:fs';
import type { CopyStatus, OverlayRecord, OverlaySpec, OverlayStats } from '../../contract/overlay.js';
import type { SyncManifest, SyncOp } from '../../contract/sync.js';
import { DaemonError, notFound } from '../errors.js';
import { normaliseSandboxPath } from '../../contract/paths.js';
import { createLimiter, type Limiter } from './limit.js';
import { removeEntries, removeOwnedAt, staleEntries } from './remove.js';
import { loadState, StateFile, type StoredOverlay } from './state.js';
import { clone, cloneStats, describeFailure, isRunning, newRecord, sameLabels, sameSync } from './records.js';
import { applyOps, type ApplyOpsResult } from './apply-ops.js';
import { emptyStats, syncTree, type Manifest } from './sync.js';
import { openTarget, validateOverlay } from './validate.js';
import type { HeldFolder } from '../files/folder.js';
import { CompletionWaiters } from './waiters.js';
import type { OverlayManagerOptions } from './options.js';

export { OverlayCopyError } from './waiters.js';
export type { OverlayManagerOptions } from './options.js';
export { overlayIdFor } from './records.js';

interface Entry {
  spec: OverlaySpec;
  record: OverlayRecord;
  manifest: Manifest;
  manifestTarget: string;
  job?: { controller: AbortController; done: Promise<void> };
  lastEmit: number;
}

/** Creates, resyncs, reports and removes the overlays of one sandbox. */
export class OverlayManager {
  private readonly root: string;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(record: OverlayRecord) => void>();
  private readonly waiters = new CompletionWaiters();
  private readonly limit: Limiter;
  private readonly state: StateFile | undefined;
  private readonly now: () => number;
  private readonly progressIntervalMs: number;
  private readonly onError: (error: unknown) => void;
  private ops: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(opts: OverlayManagerOptions) {
    this.root = opts.root;
    this.limit = createLimiter(opts.concurrency ?? 8);
    this.now = opts.now ?? Date.now;
    this.progressIntervalMs = opts.progressIntervalMs ?? 100;
    this.onError = opts.onError ?? ((error) => process.emitWarning(`overlays: ${String(error)}`));
    mkdirSync(this.root, { recursive: true });
    if (opts.stateFile === undefined) return;
    this.state = new StateFile(opts.stateFile, () => this.snapshot(), opts.onStateProblem ? { onProblem: opts.onStateProblem } : {});
    for (const stored of loadState(opts.stateFile)) {
      const entry: Entry = { ...stored, lastEmit: 0 };
      this.entries.set(stored.spec.id, entry);
      // The former daemon stopped mid-copy: the copy is redone (up-to-date files are not rewritten).
      if (isRunning(entry.record.copy_status)) this.startSync(entry);
    }
  }

  /**
   * Validates the spec (400 DaemonError: target outside the root, missing source, source not a folder, overlap),
   * then returns the record at once: the existing one when the spec is unchanged (a no-op; labels are updated),
   * else a pending one whose sync runs in the background. A failed overlay re-applied with the same spec retries.
   * Defaults: strategy `smart` (as the 2.x client), ignore `[]`; the target is stored normalised (`app` → `/app`).
   */
  create(spec: OverlaySpec): Promise<OverlayRecord> {
    return this.serial(async () => {
      const { spec: canonical } = await validateOverlay(this.root, spec);
      const existing = this.entries.get(canonical.id);
      if (existing && sameSync(existing.spec, canonical) && existing.record.copy_status !== 'failed') {
        if (!sameLabels(existing.spec.labels, canonical.labels)) await this.relabel(existing, canonical.labels);
        return clone(existing.record);
      }
      const record = newRecord(canonical, existing?.record.created_at, new Date(this.now()).toISOString());
      const entry: Entry = existing ?? { spec: canonical, record, manifest: {}, manifestTarget: canonical.target, lastEmit: 0 };
      entry.spec = canonical;
      entry.record = record;
      this.entries.set(canonical.id, entry);
      this.startSync(entry);
      this.emit(entry);
      await this.state?.save();
      return clone(entry.record);
    });
  }

  /** Every overlay, in creation order. */
  list(): OverlayRecord[] {
    return [...this.entries.values()].map((entry) => clone(entry.record));
  }

  /** One overlay, or undefined. */
  get(id: string): OverlayRecord | undefined {
    const entry = this.entries.get(id);
    return entry && clone(entry.record);
  }

  /**
   * Forgets the overlay (404 DaemonError if unknown) after cancelling its copy, and removes the entries it copied
   * into its target (see the ownership rule above), then the target folder if that left it empty. The 2.x client
   * calls an overlay "mounted" at its target; destroying it unmounts it, so its files go, the unit's stay.
   */
  destroy(id: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entries.get(id);
      if (!entry) throw notFound(`no overlay "${id}"`);
      this.entries.delete(id);
      this.waiters.abandon(id, 'the overlay was destroyed before its copy completed');
      entry.job?.controller.abort();
      await entry.job?.done;
      await this.state?.save();
      await this.removeOwned(entry).catch(this.onError);
    });
  }

  /** What the overlay last wrote into its target (see contract/sync.ts); 404 if unknown, 409 unless it is complete. */
  manifest(id: string): SyncManifest {
    return this.completeEntry(id).manifest;
  }

  /** Applies sync operations computed against manifest(id) from the source (apply-ops.ts); 404 unknown, 409 unless complete. */
  sync(id: string, ops: readonly SyncOp[]): Promise<ApplyOpsResult> {
    return this.serial(async () => {
      const entry = this.completeEntry(id);
      const { sourceRoot } = await validateOverlay(this.root, entry.spec);
      const { strategy, symlinkDirs } = entry.spec;
      const target = await openTarget(this.root, entry.spec.target);
      let result: ApplyOpsResult;
      try {
        result = await applyOps({ sourceRoot, targetRoot: target.path, strategy, symlinkDirs, ops, owned: entry.manifest, limit: this.limit });
      } finally {
        target.close();
      }
      entry.record.updated_at = new Date(this.now()).toISOString();
      entry.record.last_sync = { at: entry.record.updated_at, ...result };
      this.emit(entry);
      await this.state?.save();
      return result;
    });
  }

  private completeEntry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw notFound(`no overlay "${id}"`);
    if (entry.record.copy_status !== 'complete') throw new DaemonError(409, `overlay "${id}" is ${entry.record.copy_status.replace('_', ' ')}, not complete`);
    return entry;
  }

  /** Resolves when the overlay is complete (at once if it is); rejects with OverlayCopyError if it failed, 404 if unknown. */
  whenComplete(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return Promise.reject(notFound(`no overlay "${id}"`));
    return this.waiters.wait(entry.record);
  }

  /** Ids of the overlays whose target is this sandbox path or one of its parents. */
  covering(sandboxPath: string): string[] {
    let path: string;
    try {
      path = normaliseSandboxPath(sandboxPath);
    } catch {
      return [];
    }
    return [...this.entries.values()]
      .filter(({ record: { target } }) => target === '/' || path === target || path.startsWith(`${target}/`))
      .map((entry) => entry.record.id);
  }

  /** Calls `listener` with a snapshot on every record change (progress at most every progressIntervalMs). */
  subscribe(listener: (record: OverlayRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Cancels running copies and persists the state; a cancelled copy stays `in_progress` on disk, so the next
   * manager restarts it. Pending whenComplete calls reject. Later create/destroy calls get a 503.
   */
  async close(): Promise<void> {
    this.closed = true;
    // Running copies stop now, not once the operations queued before the close are done (a state save can take longer
    // than a whole copy of small files); a copy one of those operations starts is cancelled below.
    for (const entry of this.entries.values()) entry.job?.controller.abort();
    await this.ops.catch(() => undefined);
    const jobs = [...this.entries.values()].flatMap((entry) => (entry.job ? [entry.job] : []));
    for (const job of jobs) job.controller.abort();
    await Promise.all(jobs.map((job) => job.done));
    this.waiters.abandon(undefined, 'the overlay manager was closed');
    await this.state?.save();
    await this.state?.close();
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new DaemonError(503, 'the overlay manager is shutting down'));
    const run = this.ops.then(operation);
    this.ops = run.catch(() => undefined);
    return run;
  }

  private async relabel(entry: Entry, labels: Record<string, string> | undefined): Promise<void> {
    entry.spec.labels = labels;
    if (labels) entry.record.labels = { ...labels };
    else delete entry.record.labels;
    entry.record.updated_at = new Date(this.now()).toISOString();
    this.emit(entry);
    await this.state?.save();
  }

  // A new sync supersedes the running one: that one is cancelled, and the new one starts once it has settled.
  private startSync(entry: Entry): void {
    const previous = entry.job;
    previous?.controller.abort();
    const controller = new AbortController();
    const done = (async () => {
      await previous?.done;
      await this.runSync(entry, controller.signal);
    })();
    entry.job = { controller, done };
    void done.finally(() => {
      if (entry.job?.done === done) entry.job = undefined;
    });
  }

  private async runSync(entry: Entry, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const spec = entry.spec;
    const written: Manifest = {};
    let hostPaths: Array<[string, string]> = [];
    let target: HeldFolder | undefined;
    this.setStatus(entry, 'in_progress');
    try {
      const { sourceRoot, targetRoot } = await validateOverlay(this.root, spec);
      hostPaths = [[targetRoot, spec.target], [sourceRoot, spec.source]];
      target = await openTarget(this.root, spec.target);
      hostPaths.unshift([target.path, spec.target]);
      if (entry.manifestTarget !== spec.target) {
        // The overlay moved: what it copied to the former target goes, as on destroy (best effort: a former target
        // that now leaves the root must not stop the new copy).
        await this.removeOwned(entry).catch(this.onError);
        entry.manifest = {};
        entry.manifestTarget = spec.target;
      }
      const onProgress = (stats: OverlayStats) => this.progress(entry, stats, signal);
      const { symlinkDirs, strategy, ignore } = spec;
      // The target is written through its fd only (see validate.ts openTarget), and the folders below it likewise.
      const stats = await syncTree({ sourceRoot, targetRoot: target.path, strategy, ignore, symlinkDirs, signal, limit: this.limit, written, onProgress });
      signal.throwIfAborted();
      await removeEntries(target.path, staleEntries(entry.manifest, written), this.limit);
      entry.manifest = written;
      if (signal.aborted) return;
      entry.record.stats = cloneStats(stats);
      this.setStatus(entry, 'complete');
    } catch (error) {
      // Whatever landed before the failure is owned too, so a later resync or destroy can remove it.
      entry.manifest = { ...entry.manifest, ...written };
      if (signal.aborted) return;
      entry.record.copy_error = describeFailure(error, hostPaths);
      this.setStatus(entry, 'failed');
    } finally {
      target?.close();
    }
  }

  private removeOwned(entry: Entry): Promise<void> {
    return removeOwnedAt(this.root, entry.manifestTarget, entry.manifest, this.limit);
  }

  private progress(entry: Entry, stats: OverlayStats, signal: AbortSignal): void {
    if (signal.aborted) return;
    entry.record.stats = cloneStats(stats);
    if (this.now() - entry.lastEmit >= this.progressIntervalMs) this.emit(entry);
  }

  private setStatus(entry: Entry, status: CopyStatus): void {
    const record = entry.record;
    record.copy_status = status;
    record.updated_at = new Date(this.now()).toISOString();
    if (status === 'in_progress') {
      record.stats = emptyStats();
      record.copy_error = null;
    }
    this.emit(entry);
    this.waiters.settle(record);
    // A failed save is reported through onStateProblem and retried; it never rejects.
    void this.state?.save();
  }

  private emit(entry: Entry): void {
    entry.lastEmit = this.now();
    for (const listener of this.listeners) {
      try {
        listener(clone(entry.record));
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private snapshot(): StoredOverlay[] {
    return [...this.entries.values()].map(({ spec, record, manifest, manifestTarget }) => ({ spec, record, manifest, manifestTarget }));
  }
}
