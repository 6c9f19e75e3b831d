// The local applier of the sync engine: carries out a list of sync operations (contract/sync.ts) in a target, taking
// the bytes from the overlay's source on this machine. A remote sandbox applies the same list by upload instead.
import { readlink, realpath } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { OverlayStrategy } from '../../contract/overlay.js';
import { rewriteLink, SMART_SYMLINK_DIRS } from '../../contract/overlay-rules.js';
import { isRacy, type SyncEntry, type SyncManifest, type SyncOp, type SyncResult } from '../../contract/sync.js';
import { badRequest } from '../errors.js';
import type { Limiter } from './limit.js';
import { removeEntries } from './remove.js';
import { TargetDirs } from './dirs.js';
import { copyFileAtomic, ensureDir, KeptChangingError, lstatOrNull, placeLink } from './write.js';

/** Where and how to apply. `owned` is the overlay's manifest; it is updated in place as entries land or go. */
export interface ApplyOpsOptions {
  sourceRoot: string;
  /** The target folder held open by the caller: its /proc/self/fd path (see SyncOptions.targetRoot). */
  targetRoot: string;
  strategy: OverlayStrategy;
  symlinkDirs?: readonly string[];
  ops: readonly SyncOp[];
  owned: SyncManifest;
  limit: Limiter;
}

/** What a sync did (the contract's SyncResult). */
export type ApplyOpsResult = SyncResult;

/**
 * Applies `ops` in their order (deletes, folders, then files and links in parallel). Deletes touch only entries the
 * overlay owns. Every path is checked: relative, without `..`, and reached in the source without going through a
 * symlink, so a link can never lead a write out of the source. A source entry that changed kind since the plan, or
 * vanished, is left for the next sync; an unreadable one is listed and the rest go on.
 */
export async function applyOps(opts: ApplyOpsOptions): Promise<ApplyOpsResult> {
  for (const op of opts.ops) checkPath(op.path);
  const result: ApplyOpsResult = { changed: 0, deleted: 0, unreadable: [] };
  const deletes = opts.ops.filter((op) => op.op === 'delete');
  const owned: SyncManifest = {};
  for (const op of deletes) if (opts.owned[op.path]) owned[op.path] = opts.owned[op.path] as SyncEntry;
  await removeEntries(opts.targetRoot, owned, opts.limit);
  for (const path of Object.keys(owned)) delete opts.owned[path];
  result.deleted = Object.keys(owned).length;
  // Parents normally exist (the plan's mkdirs come first); a unit may have removed one since, or replaced it by a
  // link: the folders on the way are made real folders (dirs.ts), and held by fd while an entry is written in them.
  const dirs = new TargetDirs(opts.targetRoot, true);
  try {
    for (const op of opts.ops) {
      if (op.op !== 'mkdir' || !(await insideSource(opts.sourceRoot, op.path))) continue;
      const stat = await lstatOrNull(join(opts.sourceRoot, op.path));
      if (!stat?.isDirectory()) continue;
      await opts.limit(() => dirs.at(op.path, (dst) => ensureDir(dst)));
      opts.owned[op.path] = { kind: 'dir', mode: stat.mode & 0o7777 };
      result.changed += 1;
    }
    const leaves = opts.ops.filter((op) => op.op === 'write' || op.op === 'symlink');
    await Promise.all(leaves.map((op) => opts.limit(() => placeLeaf(opts, dirs, op.path, result))));
  } finally {
    dirs.close();
  }
  return result;
}

function checkPath(path: string): void {
  const parts = path.split('/');
  if (path === '' || posix.isAbsolute(path) || parts.some((part) => part === '' || part === '.' || part === '..')) {
    throw badRequest(`sync: "${path}" is not a path relative to the overlay`);
  }
}

// The parent folder, resolved, is where it is spelled: no symlink on the way (the source root itself is a real path).
async function insideSource(sourceRoot: string, rel: string): Promise<boolean> {
  const parent = dirname(join(sourceRoot, rel));
  try {
    return (await realpath(parent)) === parent;
  } catch {
    return false;
  }
}

// Writes one file or link as the source has it now; the target's parent is made a real folder first.
async function placeLeaf(opts: ApplyOpsOptions, dirs: TargetDirs, rel: string, result: ApplyOpsResult): Promise<void> {
  if (!(await insideSource(opts.sourceRoot, rel))) return;
  const src = join(opts.sourceRoot, rel);
  try {
    const stat = await lstatOrNull(src);
    if (!stat) return;
    if (stat.isFile()) {
      const copied = await dirs.at(rel, (dst) => copyFileAtomic(src, dst, { hash: true }));
      const mode = copied.stat.mode & 0o7777;
      const racy = isRacy(copied.stat.mtimeMs, Date.now()) ? { racy: true as const } : {};
      opts.owned[rel] = { kind: 'file', size: copied.stat.size, mtimeMs: copied.stat.mtimeMs, mode, ...(copied.hash ? { hash: copied.hash } : {}), ...racy };
    } else {
      const text = linkText(opts, rel, stat.isDirectory(), stat.isSymbolicLink() ? await readlink(src) : undefined);
      if (text === null) return;
      await dirs.at(rel, (dst) => placeLink(dst, text));
      opts.owned[rel] = { kind: 'link', text };
    }
    result.changed += 1;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || error instanceof KeptChangingError) result.unreadable.push(rel);
    else if (code !== 'ENOENT') throw error;
  }
}

// The link a source entry becomes: a `smart` package folder links to the source folder; a symlink is rewritten
// relative when it stays in the source, and skipped (null) when it leaves it.
function linkText(opts: ApplyOpsOptions, rel: string, isDir: boolean, text: string | undefined): string | null {
  if (isDir) {
    const names = new Set([...SMART_SYMLINK_DIRS, ...(opts.symlinkDirs ?? [])]);
    return opts.strategy === 'smart' && names.has(posix.basename(rel)) ? join(opts.sourceRoot, rel) : null;
  }
  return text === undefined ? null : rewriteLink(rel, text, opts.sourceRoot);
}
