// Removal of the entries an overlay owns in its target, confined to that target.
import { lstat, rmdir, unlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { inFolder, openFolder } from '../files/folder.js';
import { TargetDirs } from './dirs.js';
import type { Limiter } from './limit.js';
import type { Manifest } from './sync.js';
import type { SyncEntry } from '../../contract/sync.js';

/** The manifest entries that `next` no longer provides: what a resync must remove. */
export function staleEntries(previous: Manifest, next: Manifest): Manifest {
  const stale: Manifest = {};
  for (const [rel, entry] of Object.entries(previous)) if (!(rel in next)) stale[rel] = entry;
  return stale;
}

/**
 * Removes the given entries from the target: files and links first, then folders deepest first, and only folders
 * that are empty by then, so whatever a unit wrote among them stays. An entry whose parent path goes through a
 * symlink (a unit swapped a folder for one, or `smart` now links it to the source) is left alone: deleting through
 * it would delete files outside the sandbox, or the template's own files.
 */
export async function removeEntries(targetRoot: string, entries: Manifest, limit: Limiter): Promise<void> {
  // Each folder on the way is opened without following symlinks (dirs.ts): one swapped in fails the walk (ELOOP,
  // ENOTDIR), and the entry is left alone. Checking a realpath first left a window for the swap.
  const held = new TargetDirs(targetRoot, false);
  try {
    const all = Object.entries(entries);
    const leaves = all.filter(([, entry]) => entry.kind !== 'dir');
    await Promise.all(leaves.map(([rel, entry]) => limit(() => removeOne(held, rel, entry.kind))));
    const dirs = all.filter(([, entry]) => entry.kind === 'dir').sort(([a], [b]) => depth(b) - depth(a));
    for (const [rel] of dirs) await limit(() => removeOne(held, rel, 'dir'));
  } finally {
    held.close();
  }
}

/**
 * Removes what an overlay owns at its sandbox target, then the target folder if that left it empty. A target that is
 * gone (or a file now) holds nothing of the overlay's; one that leaves the root throws (PathEscapeError).
 */
export async function removeOwnedAt(root: string, target: string, entries: Manifest, limit: Limiter): Promise<void> {
  const folder = await openFolder(root, target).catch(missing);
  if (!folder) return;
  try {
    await removeEntries(folder.path, entries, limit);
  } finally {
    folder.close();
  }
  if (target === '/') return;
  // By name in its parent, held open: rmdir never follows a symlink, and removes only an empty folder.
  const name = posix.basename(target);
  await inFolder(root, posix.dirname(target), (parent) => rmdir(`${parent.path}/${name}`)).catch(() => undefined);
}

function missing(error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw error;
}

function depth(rel: string): number {
  return rel.split('/').length;
}

const IGNORED_CODES = new Set(['ENOENT', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'ELOOP']);

async function removeOne(dirs: TargetDirs, rel: string, kind: SyncEntry['kind']): Promise<void> {
  try {
    await dirs.at(rel, async (path) => {
      const stat = await lstat(path);
      if (kind === 'dir') {
        if (stat.isDirectory()) await rmdir(path);
      } else if (!stat.isDirectory()) {
        // A folder where the overlay put a file was made by the unit; it is the unit's to keep.
        await unlink(path);
      }
    });
  } catch (error) {
    if (!IGNORED_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}
