// The sync engine's pure part: a manifest of an overlay's source against the manifest of what the overlay last wrote
// into its target → the operations that make the target mirror the source again. How bytes travel (a local copy, an
// upload to a remote daemon) is the applier's business; these operations say only what must land where.

/** One entry of a manifest, by its posix path relative to the overlay's root. */
export type SyncEntry =
  /**
   * `hash` (sha1 of the content) is there only where it was computed: size and mtime alone could not decide. `racy`
   * (in what an overlay wrote): the file was copied within RACY_MS of its mtime, so a rewrite of the same size in
   * the same timestamp tick would keep both; its size and mtime prove nothing, and it is compared by content.
   */
  | { kind: 'file'; size: number; mtimeMs: number; mode: number; hash?: string; racy?: true }
  | { kind: 'dir'; mode: number }
  /** A symlink, with the text written in the target (a `smart` package folder links to its source folder). */
  | { kind: 'link'; text: string };

/** Every entry of a tree: relative posix path → entry. */
export type SyncManifest = Record<string, SyncEntry>;

/** One step of a sync. Paths are relative to the target; a `write` takes its bytes from the same path in the source. */
export type SyncOp =
  | { op: 'mkdir'; path: string; mode: number }
  | { op: 'write'; path: string; size: number; mtimeMs: number; mode: number }
  | { op: 'symlink'; path: string; text: string }
  /** Removes an entry the overlay wrote and the source no longer has (the applier checks it owns it). */
  | { op: 'delete'; path: string; kind: SyncEntry['kind'] };

/** A scanned source: its manifest and the paths that could not be read; or `missing` (deleted, renamed, not a folder). */
export type SourceScan = { status: 'ok'; manifest: SyncManifest; unreadable: string[] } | { status: 'missing' };

/** How many entries a sync changes (mkdir, write, symlink) and deletes. */
export interface SyncCounts {
  changed: number;
  deleted: number;
}

/** What applying a sync did: counts, and the source paths it could not read (permissions, or kept changing). */
export interface SyncResult extends SyncCounts {
  unreadable: string[];
}

/**
 * How close to its mtime a copy makes a file racy (git's "racy clean" problem): file timestamps tick coarsely (a
 * kernel tick; 2 s on FAT), so a same-size save right after the copy may leave the mtime as it was.
 */
export const RACY_MS = 2000;

/** True when a file whose mtime is `mtimeMs`, copied at `copiedAt`, is racy (see RACY_MS). */
export function isRacy(mtimeMs: number, copiedAt: number): boolean {
  return copiedAt - mtimeMs < RACY_MS;
}

/**
 * True when `written` already holds what `source` describes (a file: same size and mode, and same mtime or hash; a
 * racy one only by hash).
 */
export function sameEntry(source: SyncEntry, written: SyncEntry | undefined): boolean {
  if (!written || written.kind !== source.kind) return false;
  if (source.kind === 'link') return written.kind === 'link' && written.text === source.text;
  if (source.kind === 'dir') return written.kind === 'dir' && written.mode === source.mode;
  if (written.kind !== 'file' || written.size !== source.size || written.mode !== source.mode) return false;
  if (Math.abs(written.mtimeMs - source.mtimeMs) < 1 && !written.racy) return true;
  return source.hash !== undefined && source.hash === written.hash;
}

/**
 * The operations that make a target holding `written` hold `source`, in an order that is safe to apply one by one:
 * deletes (files before folders, deepest first), then folders (parents first), then files and links. An entry whose
 * kind changed is deleted and created again. Only entries of `written` are ever deleted: the overlay's own.
 */
export function syncOperations(source: SyncManifest, written: SyncManifest): SyncOp[] {
  const deletes: SyncOp[] = [];
  const mkdirs: SyncOp[] = [];
  const leaves: SyncOp[] = [];
  for (const [path, entry] of Object.entries(written)) {
    const next = source[path];
    if (!next || next.kind !== entry.kind) deletes.push({ op: 'delete', path, kind: entry.kind });
  }
  for (const [path, entry] of Object.entries(source)) {
    if (sameEntry(entry, written[path])) continue;
    if (entry.kind === 'dir') mkdirs.push({ op: 'mkdir', path, mode: entry.mode });
    else if (entry.kind === 'link') leaves.push({ op: 'symlink', path, text: entry.text });
    else leaves.push({ op: 'write', path, size: entry.size, mtimeMs: entry.mtimeMs, mode: entry.mode });
  }
  deletes.sort((a, b) => deleteRank(a) - deleteRank(b) || depth(b.path) - depth(a.path) || compare(a.path, b.path));
  mkdirs.sort((a, b) => depth(a.path) - depth(b.path) || compare(a.path, b.path));
  leaves.sort((a, b) => compare(a.path, b.path));
  return [...deletes, ...mkdirs, ...leaves];
}

/** Counts of a list of operations, as `plan` shows them: `(3 changed, 1 deleted)`. */
export function countOperations(ops: readonly SyncOp[]): SyncCounts {
  const deleted = ops.filter((op) => op.op === 'delete').length;
  return { changed: ops.length - deleted, deleted };
}


function deleteRank(op: SyncOp): number {
  return op.op === 'delete' && op.kind === 'dir' ? 1 : 0;
}

function depth(path: string): number {
  return path.split('/').length;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
