// Persistence of overlays in one JSON file (overlays.json), written atomically so a crash loses nothing.
import { readFileSync } from 'node:fs';
import type { OverlayRecord, OverlaySpec } from '../../contract/overlay.js';
import type { DaemonProblem } from '../../contract/wire.js';
import { PersistedFile, type PersistOptions } from '../persist.js';
import type { SyncEntry } from '../../contract/sync.js';
import type { Manifest } from './sync.js';

/** One overlay as stored: its spec, its record, and the entries it owns in the target they were copied to. */
export interface StoredOverlay {
  spec: OverlaySpec;
  record: OverlayRecord;
  manifest: Manifest;
  /** The sandbox path `manifest` is relative to (the former target, until a moved overlay has synced). */
  manifestTarget: string;
}

interface StateDocument {
  version: 1;
  overlays: StoredOverlay[];
}

/** Reads the stored overlays; none when the file does not exist. A damaged file is an error naming the file. */
export function loadState(path: string): StoredOverlay[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let doc: Partial<StateDocument>;
  try {
    doc = JSON.parse(text) as Partial<StateDocument>;
  } catch (error) {
    throw new Error(`overlay state file "${path}" is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const valid =
    doc.version === 1 &&
    Array.isArray(doc.overlays) &&
    doc.overlays.every((o) => o && typeof o.spec === 'object' && typeof o.record === 'object' && typeof o.manifest === 'object' && typeof o.manifestTarget === 'string');
  if (!valid) throw new Error(`overlay state file "${path}" is not an overlay state (version 1)`);
  return (doc.overlays as StoredOverlay[]).map((stored) => ({ ...stored, manifest: upgradeManifest(stored.manifest) }));
}

// Files written before manifests held entries map a path to its kind only. Such an entry is still owned (so it can
// be deleted) but matches no source entry, so the next sync writes it once and records it in full.
function upgradeManifest(manifest: Record<string, SyncEntry | SyncEntry['kind']>): Manifest {
  const upgraded: Manifest = {};
  for (const [path, entry] of Object.entries(manifest)) {
    if (typeof entry !== 'string') upgraded[path] = entry;
    else if (entry === 'file') upgraded[path] = { kind: 'file', size: -1, mtimeMs: 0, mode: 0 };
    else if (entry === 'dir') upgraded[path] = { kind: 'dir', mode: -1 };
    else upgraded[path] = { kind: 'link', text: '' };
  }
  return upgraded;
}

/**
 * Saves snapshots of the overlays to one file, through PersistedFile: saves coalesce, never overlap, and the file
 * never goes back to an older state; a failed write is reported through `onProblem` and retried, not thrown.
 */
export class StateFile {
  private readonly file: PersistedFile;

  constructor(
    readonly path: string,
    private readonly snapshot: () => StoredOverlay[],
    options: PersistOptions = {},
  ) {
    this.file = new PersistedFile(path, options);
  }

  /** Resolves once the state as it is now (or newer) is on disk, or once writing it failed (see `problem`). */
  save(): Promise<void> {
    this.file.save(() => JSON.stringify({ version: 1, overlays: this.snapshot() } satisfies StateDocument));
    return this.file.settled();
  }

  /** Why the file is behind (a full disk), while it is. */
  get problem(): DaemonProblem | undefined {
    return this.file.problem;
  }

  /** A last write of what is pending, then no more retries. */
  close(): Promise<void> {
    return this.file.close();
  }
}
