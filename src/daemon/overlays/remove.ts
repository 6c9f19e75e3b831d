// Removal of the entries an overlay owns in its target, confined to that target.
import { lstat, realpath, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isInside } from '../../contract/paths.js';
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
  let realTarget: string;
  try {
    realTarget = await realpath(targetRoot);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const all = Object.entries(entries);
  const leaves = all.filter(([, entry]) => entry.kind !== 'dir');
  await Promise.all(leaves.map(([rel, entry]) => limit(() => removeOne(realTarget, rel, entry.kind))));
  const dirs = all.filter(([, entry]) => entry.kind === 'dir').sort(([a], [b]) => depth(b) - depth(a));
  for (const [rel] of dirs) await limit(() => removeOne(realTarget, rel, 'dir'));
}

function depth(rel: string): number {
  return rel.split('/').length;
}

const IGNORED_CODES = new Set(['ENOENT', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR']);

async function removeOne(realTarget: string, rel: string, kind: SyncEntry['kind']): Promise<void> {
  const path = join(realTarget, rel);
  try {
    const parent = dirname(path);
    if (!isInside(realTarget, parent) || (await realpath(parent)) !== parent) return;
    const stat = await lstat(path);
    if (kind === 'dir') {
      if (stat.isDirectory()) await rmdir(path);
    } else if (!stat.isDirectory()) {
      // A folder where the overlay put a file was made by the unit; it is the unit's to keep.
      await unlink(path);
    }
  } catch (error) {
    if (!IGNORED_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}
