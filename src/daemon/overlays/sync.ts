// The copy engine: makes a target folder mirror a source folder, entry by entry, without following links out of it.
import type { Dirent, Stats } from 'node:fs';
import { lstatSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { OverlayStats, OverlayStrategy } from '../../contract/overlay.js';
import { isRacy, type SyncEntry, type SyncManifest } from '../../contract/sync.js';
import { classifyEntry, compileIgnore, rewriteLink, SMART_SYMLINK_DIRS } from '../../contract/overlay-rules.js';
import type { IgnoreMatcher } from '../../contract/overlay-rules.js';
import type { Limiter } from './limit.js';
import { TargetDirs } from './dirs.js';
import { chmodEntry, copyFileAtomic, copySmallFileSync, ensureDir, HASH_LIMIT, lstatOrNullSync, placeLink, readFileEntry, SYNC_COPY_LIMIT } from './write.js';

/** What an overlay put at a target path. */
export type EntryKind = SyncEntry['kind'];

/**
 * Every entry an overlay owns in its target, as the source was when it was written (size, mtime, mode, link text):
 * the sync engine diffs the source against it (contract/sync.ts).
 */
export type Manifest = SyncManifest;

/** At most this many skipped paths are listed in a record (a huge ignored tree must not bloat every reply). */
export const MAX_SKIPPED = 100;

/** Inputs of one sync. `written` is filled as entries land, so a failed or cancelled sync still tells what it wrote. */
export interface SyncOptions {
  /** Real path of the source folder. */
  sourceRoot: string;
  /**
   * The target folder, opened inside the sandbox root and held by the caller: its /proc/self/fd path, so that the
   * target swapped for a symlink cannot redirect the sync (folders below it are held the same way, see dirs.ts).
   */
  targetRoot: string;
  strategy: OverlayStrategy;
  ignore: readonly string[];
  symlinkDirs?: readonly string[];
  signal: AbortSignal;
  limit: Limiter;
  written: Manifest;
  /** Called after each entry with the live counters (the caller throttles). */
  onProgress: (stats: OverlayStats) => void;
}

interface Context extends SyncOptions {
  dirs: TargetDirs;
  ignored: IgnoreMatcher;
  linkDirs: ReadonlySet<string>;
  stats: OverlayStats;
  /** Records the first failure and stops every other entry of the sync. */
  fail: (error: unknown) => void;
  /** Files synced since the event loop last had a turn. */
  sinceYield: number;
  failure?: unknown;
}

/** New, zeroed counters. */
export function emptyStats(): OverlayStats {
  return { copied_files: 0, copied_dirs: 0, symlinked_dirs: 0, skipped: [] };
}

/**
 * Syncs source into target and returns the counters. Entries already up to date (same kind; files with the same
 * size and mtime; links with the same text) are not rewritten. Entries of the target that the source does not
 * provide are left alone here (removing stale ones is the caller's job, from the manifest).
 */
export async function syncTree(opts: SyncOptions): Promise<OverlayStats> {
  const stop = new AbortController();
  const ctx: Context = {
    ...opts,
    signal: AbortSignal.any([opts.signal, stop.signal]),
    dirs: new TargetDirs(opts.targetRoot, true),
    ignored: compileIgnore(opts.ignore),
    linkDirs: new Set([...SMART_SYMLINK_DIRS, ...(opts.symlinkDirs ?? [])]),
    stats: emptyStats(),
    sinceYield: 0,
    fail: (error) => {
      if (ctx.failure !== undefined) return;
      ctx.failure = error;
      stop.abort(error);
    },
  };
  try {
    await syncDir(ctx, '');
  } finally {
    // Every entry has settled (syncDir waits for all): no write uses a folder any more.
    ctx.dirs.close();
  }
  return ctx.stats;
}

// Every entry settles before this returns, even after a failure: an operation still queued when the caller
// goes on to delete or resync the target would otherwise write files back after it.
async function syncDir(ctx: Context, rel: string): Promise<void> {
  const entries = await run(ctx, () => readdir(join(ctx.sourceRoot, rel), { withFileTypes: true }));
  const results = await Promise.allSettled(
    entries.map((entry) =>
      syncEntry(ctx, rel === '' ? entry.name : posix.join(rel, entry.name), entry).catch((error: unknown) => {
        ctx.fail(error);
        throw error;
      }),
    ),
  );
  if (results.some((result) => result.status === 'rejected')) throw ctx.failure;
}

// Operations wait in the limiter; the abort is checked when their turn comes, so a cancelled sync stops at once.
function run<T>(ctx: Context, operation: () => Promise<T>): Promise<T> {
  return ctx.limit(() => {
    ctx.signal.throwIfAborted();
    return operation();
  });
}

async function syncEntry(ctx: Context, rel: string, entry: Dirent): Promise<void> {
  ctx.signal.throwIfAborted();
  const isDir = entry.isDirectory();
  const action = classifyEntry(rel, isDir, { strategy: ctx.strategy, ignored: ctx.ignored, symlinkDirs: ctx.linkDirs });
  if (action === 'skip') return skip(ctx, rel);
  const src = join(ctx.sourceRoot, rel);
  const at = <T>(write: (dst: string) => T | Promise<T>) => ctx.dirs.at(rel, write);
  if (action === 'link-dir') {
    await run(ctx, () => at((dst) => placeLink(dst, src)));
    ctx.stats.symlinked_dirs = (ctx.stats.symlinked_dirs ?? 0) + 1;
    return record(ctx, rel, { kind: 'link', text: src });
  }
  if (isDir) {
    const srcStat = await run(ctx, () => lstat(src));
    await run(ctx, () => at((dst) => ensureDir(dst)));
    ctx.stats.copied_dirs += 1;
    record(ctx, rel, { kind: 'dir', mode: srcStat.mode & 0o7777 });
    await syncDir(ctx, rel);
    await run(ctx, () => at((dst) => chmodEntry(dst, srcStat.mode & 0o7777)));
    return;
  }
  if (entry.isSymbolicLink()) return syncLink(ctx, rel, src);
  // Sockets, fifos and devices have no meaningful copy; listing them beats failing the whole overlay.
  if (!entry.isFile()) return skip(ctx, rel);
  const { stat: copied, racy } = await run(ctx, () =>
    at(async (dst) => {
      const stat = await syncFile(ctx, src, dst);
      return { stat, racy: isRacy(stat.mtimeMs, Date.now()) ? racyFacts(dst, stat) : {} };
    }),
  );
  ctx.stats.copied_files += 1;
  record(ctx, rel, { kind: 'file', size: copied.size, mtimeMs: copied.mtimeMs, mode: copied.mode & 0o7777, ...racy });
}

// A file copied right after it changed is compared by content later (see RACY_MS): the hash of what was written, so
// that an unchanged source is not copied again.
// Read without following a symlink a unit may have swapped in since; then there is no hash, and the file is copied again.
function racyFacts(dst: string, copied: Stats): { racy: true; hash?: string } {
  if (copied.size > HASH_LIMIT) return { racy: true };
  const bytes = readFileEntry(dst);
  return bytes ? { racy: true, hash: createHash('sha1').update(bytes).digest('hex') } : { racy: true };
}

// Links that leave the source are skipped (and listed), never followed: following one would copy host files
// such as ~/.ssh into the sandbox.
async function syncLink(ctx: Context, rel: string, src: string): Promise<void> {
  const text = rewriteLink(rel, await run(ctx, () => readlink(src)), ctx.sourceRoot);
  if (text === null) return skip(ctx, rel);
  await run(ctx, () => ctx.dirs.at(rel, (dst) => placeLink(dst, text)));
  ctx.stats.copied_files += 1;
  record(ctx, rel, { kind: 'link', text });
}

function record(ctx: Context, rel: string, entry: SyncEntry): void {
  ctx.written[rel] = entry;
  ctx.onProgress(ctx.stats);
}

function skip(ctx: Context, rel: string): void {
  if (ctx.stats.skipped.length < MAX_SKIPPED) ctx.stats.skipped.push(rel);
}

// Up-to-date files (same size and mtime) are left as they are; the others are copied by temp name and rename. The
// metadata calls and small copies are synchronous (see SYNC_COPY_LIMIT); every SYNC_BATCH of them, the event loop
// gets a turn, so the daemon keeps answering during a large first copy.
async function syncFile(ctx: Context, src: string, dst: string): Promise<Stats> {
  if (++ctx.sinceYield >= SYNC_BATCH) {
    ctx.sinceYield = 0;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const srcStat = lstatSync(src);
  const dstStat = lstatOrNullSync(dst);
  if (dstStat?.isFile() && dstStat.size === srcStat.size && Math.abs(dstStat.mtimeMs - srcStat.mtimeMs) < 1) {
    if ((dstStat.mode & 0o7777) !== (srcStat.mode & 0o7777)) chmodEntry(dst, srcStat.mode & 0o7777);
    return srcStat;
  }
  if (srcStat.isFile() && srcStat.size <= SYNC_COPY_LIMIT) return copySmallFileSync(src, dst, srcStat);
  return (await copyFileAtomic(src, dst, { known: srcStat })).stat;
}

// How many files are synced synchronously between two turns of the event loop (~10 ms of small copies).
const SYNC_BATCH = 64;

