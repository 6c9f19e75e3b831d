// Persistence of overlays in one JSON file, written atomically (temp file + rename) so a crash loses nothing.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OverlayRecord, OverlaySpec } from '../../contract/overlay.js';
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
  return doc.overlays as StoredOverlay[];
}

/** Writes `text` to `path` through a synced temp file and a rename, so readers see the old or the new file whole. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Saves snapshots of the overlays to one file. Saves never overlap and coalesce: a save asked for while another
 * runs writes once afterwards with the state of that moment, so the file never goes back to an older state.
 */
export class StateFile {
  private requested = 0;
  private written = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly snapshot: () => StoredOverlay[],
  ) {}

  /** Resolves once the state as it is now (or newer) is on disk. */
  save(): Promise<void> {
    const wanted = ++this.requested;
    const run = this.chain.then(async () => {
      if (this.written >= wanted) return;
      const generation = this.requested;
      const doc: StateDocument = { version: 1, overlays: this.snapshot() };
      await writeAtomic(this.path, JSON.stringify(doc));
      this.written = generation;
    });
    // A failed write must not stop later ones; the caller of this save still sees the failure.
    this.chain = run.catch(() => undefined);
    return run;
  }
}
