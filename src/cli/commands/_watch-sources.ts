// The overlay half of `up --watch`: watching sources, asking for a re-apply on a save, and stopping a unit that
// writes into its own source from looping (the flapping guard).
import type { Spec } from '../../config/index.js';
import type { ApplyResult } from '../../reconcile/apply.js';
import { FlapGuard } from '../../reconcile/flap.js';
import { watchSources, type SourceChange, type SourceWatch } from '../../reconcile/source-watch.js';
import type { CliIO } from '../io.js';

/** The watch of a spec's overlay sources, as the up session drives it. */
export interface OverlayFollower {
  /** Tells the guard which saves caused restarts; call after each apply. */
  applied(result: ApplyResult): void;
  /** The flapping paths by overlay: still synced, but they restart nothing. */
  quiet(): Record<string, string[]>;
  /** Every path reported since the last call, by overlay (the next apply scans only these), and forgets them. */
  takePaths(): Record<string, string[]>;
  /** Puts taken paths back (their apply failed, so the next one must scan them). */
  returnPaths(paths: Record<string, string[]>): void;
  /** Follows the overlays of a new spec (a config change). */
  setSpec(spec: Spec): Promise<void>;
  close(): Promise<void>;
}

/** Starts watching; `trigger` queues a re-apply (level-based: the apply scans the sources itself). */
export async function followOverlays(spec: Spec, io: CliIO, trigger: () => void): Promise<OverlayFollower> {
  const guard = new FlapGuard();
  let changedSinceApply = new Set<string>();
  let reported = new Map<string, Set<string>>();
  const remember = (overlay: string, paths: readonly string[]) => {
    const set = reported.get(overlay) ?? new Set<string>();
    for (const path of paths) set.add(path);
    reported.set(overlay, set);
  };
  const onChange = (changes: SourceChange[]) => {
    // Flapping paths too: they restart nothing, but they are still synced.
    for (const { overlay, paths } of changes) remember(overlay, paths);
    const followed = changes.flatMap(({ overlay, paths }) => paths.filter((path) => !guard.isStopped(`${overlay}:${path}`)).map((path) => `${overlay}:${path}`));
    if (followed.length === 0) return;
    for (const key of followed) changedSinceApply.add(key);
    io.stderr(`change detected in ${describe(changes)}; syncing\n`);
    trigger();
  };
  const start = (next: Spec) => watchSources(next.overlays, { onChange, onWarning: (text) => io.stderr(`warning: ${text}\n`) });
  let watch: SourceWatch = await start(spec);
  let current = JSON.stringify(spec.overlays);
  return {
    applied(result) {
      const seen = changedSinceApply;
      changedSinceApply = new Set();
      for (const overlay of result.plan.overlays) {
        if (overlay.action !== 'sync' || overlay.then === undefined || overlay.then === 'sync') continue;
        const keys = (overlay.ops ?? []).map((op) => `${overlay.id}:${op.path}`).filter((key) => seen.has(key));
        for (const key of guard.restartedFor(keys)) {
          const path = key.slice(overlay.id.length + 1);
          io.stderr(`warning: overlay ${overlay.id}: ${path} changed again after each of the last restarts it caused (does a unit write into its own source?); its changes are no longer followed until the next \`compute up\`\n`);
        }
      }
    },
    quiet() {
      const byOverlay: Record<string, string[]> = {};
      for (const key of guard.stoppedPaths()) {
        const [overlay = '', ...rest] = key.split(':');
        (byOverlay[overlay] ??= []).push(rest.join(':'));
      }
      return byOverlay;
    },
    takePaths() {
      const taken = Object.fromEntries([...reported].map(([overlay, paths]) => [overlay, [...paths]]));
      reported = new Map();
      return taken;
    },
    returnPaths(paths) {
      for (const [overlay, list] of Object.entries(paths)) remember(overlay, list);
    },
    async setSpec(next) {
      if (JSON.stringify(next.overlays) === current) return;
      current = JSON.stringify(next.overlays);
      const previous = watch;
      watch = await start(next);
      await previous.close();
    },
    close: () => watch.close(),
  };
}

function describe(changes: SourceChange[]): string {
  const parts = changes.map(({ overlay, paths }) => `overlay ${overlay} (${paths.length === 1 ? paths[0] : `${paths.length} paths`})`);
  return parts.join(', ');
}
