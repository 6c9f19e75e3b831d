// Watching overlay sources for `up --watch`: chokidar on each source (skipping what `ignore` skips and `smart` package
// folders), debounced into batches, with a polling fallback when inotify cannot hold the tree, and a watch on the
// source's parent so a source that is deleted or renamed and then brought back is followed again.
import { readFileSync } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { OverlaySpec } from '../contract/overlay.js';
import { classifyEntry, compileIgnore, SMART_SYMLINK_DIRS } from '../contract/overlay-rules.js';
import { syncOperations, type SyncManifest } from '../contract/sync.js';
import { scanSource } from './scan.js';

/** How long a source must stay quiet before a save is reported (an editor's write + rename is one change). */
export const SOURCE_SETTLE_MS = 40;

/**
 * Once a burst is under way (more than BURST_PATHS paths pending: a `git checkout`, a build), the quiet must last
 * this long: chokidar reports a new folder's files only after reading it, so a checkout arrives in waves.
 */
export const BURST_SETTLE_MS = 250;
const BURST_PATHS = 20;

/** How often a source too big for inotify is scanned instead. */
export const POLL_INTERVAL_MS = 1000;

/** Changed paths (relative to the source) of one overlay. */
export interface SourceChange {
  overlay: string;
  paths: string[];
}

/** Options of watchSources. */
export interface SourceWatchOptions {
  onChange: (changes: SourceChange[]) => void;
  onWarning: (text: string) => void;
  settleMs?: number;
  /** Entries (files and folders) all native watches together may hold; default half of fs.inotify.max_user_watches. */
  maxWatches?: number;
  pollIntervalMs?: number;
}

/** A running watch of overlay sources. */
export interface SourceWatch {
  /** True when the overlay is watched by polling (its tree was too big for inotify, or inotify ran out). */
  polling(overlay: string): boolean;
  close(): Promise<void>;
}

type Report = (overlay: string, path: string, folder?: boolean) => void;

interface One {
  spec: OverlaySpec;
  close: () => Promise<void>;
  polling: boolean;
}

/** Starts watching the sources of `specs`; resolves once every watch is ready. */
export async function watchSources(specs: readonly OverlaySpec[], options: SourceWatchOptions): Promise<SourceWatch> {
  const pending = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | undefined;
  let count = 0;
  let burst = false;
  const report = (overlay: string, path: string, folder = false) => {
    const set = pending.get(overlay) ?? new Set<string>();
    if (!set.has(path)) count += 1;
    // A new folder's files come after chokidar has read it: wait for them as for a burst.
    burst ||= folder || count > BURST_PATHS;
    set.add(path);
    pending.set(overlay, set);
    clearTimeout(timer);
    const settle = burst ? BURST_SETTLE_MS : (options.settleMs ?? SOURCE_SETTLE_MS);
    timer = setTimeout(() => {
      const batch = [...pending].map(([id, paths]) => ({ overlay: id, paths: [...paths].sort() }));
      pending.clear();
      count = 0;
      burst = false;
      options.onChange(batch);
    }, settle);
  };
  let budget = options.maxWatches ?? defaultBudget();
  const watches: One[] = [];
  for (const spec of specs) {
    const one = await watchOne(spec, budget, report, options);
    if (!one.polling) budget -= one.entries;
    watches.push(one);
  }
  return {
    polling: (overlay) => watches.some((one) => one.spec.id === overlay && one.polling),
    async close() {
      clearTimeout(timer);
      await Promise.all(watches.map((one) => one.close()));
    },
  };
}

function defaultBudget(): number {
  try {
    return Math.floor(Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8')) / 2);
  } catch {
    return 65536;
  }
}

async function watchOne(spec: OverlaySpec, budget: number, report: Report, options: SourceWatchOptions): Promise<One & { entries: number }> {
  const scan = await scanSource(spec);
  const entries = scan.status === 'ok' ? Object.keys(scan.manifest).length : 0;
  const one: One & { entries: number } = { spec, polling: false, entries, close: async () => undefined };
  const toPolling = (why: string) => {
    if (one.polling) return;
    one.polling = true;
    options.onWarning(`overlay ${spec.id}: ${why}; watching its source by polling every ${options.pollIntervalMs ?? POLL_INTERVAL_MS} ms instead (raise fs.inotify.max_user_watches to watch it natively)`);
  };
  if (entries > budget) toPolling(`its source has ${entries} entries, more than the ${budget} inotify watches left for compute`);
  let inner = one.polling ? pollSource(spec, scan.status === 'ok' ? scan.manifest : {}, report, options) : await nativeWatch(spec, report, onError);
  const parent = await watchParent(spec, async (present) => {
    report(spec.id, '.');
    if (!present) return;
    // The source is back (a new folder, maybe a new inode): the old watch follows nothing any more.
    await inner.close();
    inner = one.polling ? pollSource(spec, {}, report, options) : await nativeWatch(spec, report, onError);
  });
  function onError(error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EMFILE') return;
    toPolling(`the system ran out of inotify watches (${code})`);
    void inner.close().then(() => {
      inner = pollSource(spec, {}, report, options);
    });
  }
  one.close = async () => {
    await parent.close();
    await inner.close();
  };
  return one;
}

// What the copy skips is not watched either: ignored entries, and `smart` package folders (shared by symlink).
function skipper(spec: OverlaySpec): (path: string, isDir: boolean) => boolean {
  const ignored = compileIgnore(spec.ignore);
  const symlinkDirs = new Set([...SMART_SYMLINK_DIRS, ...(spec.symlinkDirs ?? [])]);
  return (path, isDir) => {
    const rel = relative(spec.source, path).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) return false;
    return classifyEntry(rel, isDir, { strategy: spec.strategy, ignored, symlinkDirs }) !== 'copy';
  };
}

async function nativeWatch(spec: OverlaySpec, report: Report, onError: (error: unknown) => void): Promise<{ close: () => Promise<void> }> {
  const skip = skipper(spec);
  const watcher: FSWatcher = watch(spec.source, {
    ignoreInitial: true,
    followSymlinks: false,
    ignored: (path, stats) => skip(path, stats?.isDirectory() ?? false),
  });
  watcher.on('all', (event, path) => report(spec.id, relative(spec.source, path).split(sep).join('/') || '.', event === 'addDir'));
  watcher.on('error', onError);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}

// The fallback: the source is scanned every interval and compared with the scan before, by the sync engine itself.
function pollSource(spec: OverlaySpec, first: SyncManifest, report: Report, options: SourceWatchOptions): { close: () => Promise<void> } {
  let last = first;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      const scan = await scanSource(spec).catch(() => undefined);
      if (scan?.status !== 'ok') return;
      for (const op of syncOperations(scan.manifest, last)) report(spec.id, op.path);
      last = scan.manifest;
    });
  }, options.pollIntervalMs ?? POLL_INTERVAL_MS);
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}

// The parent folder at depth 0, for the source's own name only: tells when the source goes away and comes back.
async function watchParent(spec: OverlaySpec, onPresence: (present: boolean) => Promise<void>): Promise<{ close: () => Promise<void> }> {
  const parent = dirname(spec.source);
  const name = basename(spec.source);
  const watcher = watch(parent, { ignoreInitial: true, depth: 0, followSymlinks: false, ignored: (path) => path !== parent && basename(path) !== name });
  let queue: Promise<void> = Promise.resolve();
  watcher.on('all', (event, path) => {
    if (path !== spec.source) return;
    if (event === 'addDir' || event === 'unlinkDir') queue = queue.then(() => onPresence(event === 'addDir'));
  });
  watcher.on('error', () => undefined);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    async close() {
      await queue;
      await watcher.close();
    },
  };
}
