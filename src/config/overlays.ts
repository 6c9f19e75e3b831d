// The `overlays:` list → OverlaySpecs with unique ids, and which overlays each unit must wait for.
import { posix } from 'node:path';
import type { OnChangeAction, OnChangeRule, OverlaySpec, OverlayStrategy } from '../contract/overlay.js';
import { at, failedAt, type Context } from './context.js';
import { isMap, type Value } from './located.js';
import { dotted } from './schema.js';
import { sandboxPath } from './units.js';

/** The overlays of a file, and every id in use (also of overlays that failed a check, so no error cascades). */
export interface Overlays {
  specs: OverlaySpec[];
  ids: Set<string>;
}

/** Reads the overlays; explicit ids must be unique, missing ones are derived from the target (`/app` → `app`). */
export function readOverlays(raw: Value | undefined, labels: Record<string, string>, ctx: Context): Overlays {
  const list = Array.isArray(raw) ? raw : [];
  const ids = new Set<string>();
  list.forEach((item, i) => {
    if (!isMap(item) || typeof item.id !== 'string') return;
    if (ids.has(item.id)) ctx.diags.error(at(ctx, ['overlays', i, 'id']), `${dotted(['overlays', i, 'id'])}: overlay id \`${item.id}\` is already used`);
    ids.add(item.id);
  });
  const specs: OverlaySpec[] = [];
  list.forEach((item, i) => {
    if (!isMap(item) || failedAt(ctx, ['overlays', i])) return;
    const target = sandboxPath(item.target, ['overlays', i, 'target'], ctx);
    if (target === undefined) return;
    let id = typeof item.id === 'string' ? item.id : undefined;
    if (id === undefined) {
      id = uniqueId(idFromTarget(target), ids);
      ids.add(id);
    }
    specs.push({
      id,
      source: String(item.source),
      target,
      strategy: (item.strategy as OverlayStrategy | undefined) ?? 'copy',
      ignore: Array.isArray(item.ignore) ? item.ignore.map(String) : [],
      labels: { ...labels },
      ...(Array.isArray(item.on_change) ? { onChange: item.on_change.map(onChangeRule) } : {}),
    });
  });
  return { specs, ids };
}

// The schema has checked the shape: each rule is a map with a string `path` and an optional known `action`.
function onChangeRule(raw: Value): OnChangeRule {
  const rule = raw as Record<string, Value>;
  return { path: String(rule.path), action: (rule.action as OnChangeAction | undefined) ?? 'sync' };
}

/** A slug from a sandbox path: `/app` → `app`, `/srv/my app` → `srv-my-app`, `/` → `root`. */
export function idFromTarget(target: string): string {
  const slug = target
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 56);
  return slug === '' ? 'root' : slug;
}

function uniqueId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Finds, for a unit's folder, every overlay whose target holds it; O(depth of the folder), not O(overlays). */
export class OverlayIndex {
  private readonly byTarget = new Map<string, string[]>();

  constructor(specs: readonly OverlaySpec[]) {
    for (const spec of specs) {
      const ids = this.byTarget.get(spec.target);
      if (ids) ids.push(spec.id);
      else this.byTarget.set(spec.target, [spec.id]);
    }
  }

  /** Ids of the overlays whose target is `cwd` or a folder above it, outermost first. */
  containing(cwd: string): string[] {
    const found: string[][] = [];
    for (let dir = cwd; ; dir = posix.dirname(dir)) {
      const ids = this.byTarget.get(dir);
      if (ids) found.push(ids);
      if (dir === '/') break;
    }
    return found.reverse().flat();
  }
}
