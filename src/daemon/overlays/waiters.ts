// Promises that settle when an overlay's copy ends, for units that must not start before their overlay is there.
import type { OverlayRecord } from '../../contract/overlay.js';

/**
 * An overlay's copy failed, for the units that waited on it. The message is the record's copy_error as is, so a
 * unit can be failed with "overlay X failed: <message>" without the overlay named twice.
 */
export class OverlayCopyError extends Error {
  constructor(
    readonly overlayId: string,
    readonly copy_error: string,
  ) {
    super(copy_error);
    this.name = 'OverlayCopyError';
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The pending waits, by overlay id. */
export class CompletionWaiters {
  private readonly byId = new Map<string, Set<Waiter>>();

  /** Settles at once for a complete or failed record; otherwise when `settle` sees it end. */
  wait(record: OverlayRecord): Promise<void> {
    if (record.copy_status === 'complete') return Promise.resolve();
    if (record.copy_status === 'failed') return Promise.reject(failure(record));
    return new Promise<void>((resolve, reject) => {
      const set = this.byId.get(record.id) ?? new Set<Waiter>();
      set.add({ resolve, reject });
      this.byId.set(record.id, set);
    });
  }

  /** Called on every record change: settles the waits of a record that reached complete or failed. */
  settle(record: OverlayRecord): void {
    if (record.copy_status !== 'complete' && record.copy_status !== 'failed') return;
    const set = this.byId.get(record.id);
    if (!set) return;
    this.byId.delete(record.id);
    for (const waiter of set) {
      if (record.copy_status === 'complete') waiter.resolve();
      else waiter.reject(failure(record));
    }
  }

  /** Rejects the waits on one overlay (destroyed), or on all of them (manager closed) when `id` is undefined. */
  abandon(id: string | undefined, reason: string): void {
    const ids = id === undefined ? [...this.byId.keys()] : [id];
    for (const key of ids) {
      for (const waiter of this.byId.get(key) ?? []) waiter.reject(new Error(reason));
      this.byId.delete(key);
    }
  }
}

function failure(record: OverlayRecord): OverlayCopyError {
  return new OverlayCopyError(record.id, record.copy_error ?? 'unknown error');
}
