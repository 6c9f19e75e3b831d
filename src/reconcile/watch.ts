// Live re-apply: watching the files a Spec depends on, debouncing their changes, and never overlapping applies.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

/**
 * Runs a task when triggered; triggers that arrive while it runs coalesce into exactly one more run after it,
 * so applies never overlap and the last change is always applied.
 */
export class Coalescer {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly task: () => Promise<void>) {}

  /** Runs the task now, or once more after the current run. */
  trigger(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /** Resolves when no run is under way or due. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.task();
      } while (this.again);
    } finally {
      this.running = undefined;
    }
  }
}

/** A watch on a set of files. */
export interface FileWatch {
  /** Replaces the watched files (a new env_file in the config, say). */
  setFiles(files: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long the watched files must stay unchanged before a reload: an editor's save (or a burst of them) is one
 * reload. Kept short, as re-applying a save is measured (docs/BENCHMARKS.md); see RemovalHold for the long wait.
 */
export const SETTLE_MS = 100;

/**
 * Watches files through their folders, so a file that does not exist yet (a `.env` to come) or is replaced by an
 * editor's atomic save (write elsewhere, rename over) is still seen. Calls `onChange` with the changed files once
 * no further change has come for `settleMs`.
 */
export async function watchFiles(files: string[], onChange: (changed: string[]) => void, settleMs = SETTLE_MS): Promise<FileWatch> {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const report = (path: string) => {
    changed.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = [...changed];
      changed.clear();
      onChange(batch);
    }, settleMs);
  };
  let watcher = await startWatcher(files, report);
  return {
    async setFiles(next) {
      // The new watch is up before the old one goes, so no change falls between them.
      const previous = watcher;
      watcher = await startWatcher(next, report);
      await previous.close();
    },
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

async function startWatcher(files: string[], report: (path: string) => void): Promise<FSWatcher> {
  const watched = new Set(files.map((file) => resolve(file)));
  const folders = new Set([...watched].map((file) => dirname(file)));
  const watcher = watch([...folders], {
    ignoreInitial: true,
    depth: 0,
    // Only the folders themselves and the files asked for; everything else in those folders is noise.
    ignored: (path) => !folders.has(path) && !watched.has(path),
  });
  watcher.on('all', (_event, path) => {
    if (watched.has(path)) report(path);
  });
  await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  return watcher;
}

/**
 * The size and modification time of each file (missing ones too): taken before a reload and compared after it, it
 * tells a config read while a file was still being written, which must not be applied.
 */
export async function fingerprint(files: string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (file) => {
      const info = await stat(file).catch(() => undefined);
      return info ? `${file}:${info.size}:${info.mtimeMs}` : `${file}:-`;
    }),
  );
  return parts.join('\n');
}
