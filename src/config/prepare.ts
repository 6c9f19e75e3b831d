// Per-file fixes applied before merging, while it is still known which file wrote each value.
import { resolve } from 'node:path';
import { attach, isMap, metaOf, setOwn, type Meta, type Value, type ValueMap } from './located.js';

// Environment maps that may also be written as compose-style lists of `KEY=value`.
const ENV_KEYS = ['environment', 'env'] as const;

/**
 * Resolves host paths (sandbox.root, overlays[].source, env_file, extends.file) against the folder of the file that wrote them,
 * and turns `KEY=value` environment lists into maps so that a later file's environment merges key by key.
 * Changes `doc` in place (it is freshly parsed).
 */
export function prepareFile(doc: Value, dir: string): void {
  if (!isMap(doc)) return;
  const sandbox = doc.sandbox;
  if (isMap(sandbox)) {
    resolveKey(sandbox, 'root', dir);
    // A provider given as a path is taken from the file that names it; a name is a package.
    if (typeof sandbox.provider === 'string' && /^\.{0,2}\//.test(sandbox.provider)) resolveKey(sandbox, 'provider', dir);
    envListToMap(sandbox, 'envs');
  }
  if (Array.isArray(doc.overlays)) for (const overlay of doc.overlays) if (isMap(overlay)) resolveKey(overlay, 'source', dir);
  for (const section of ['servers', 'services'] as const) {
    const units = doc[section];
    if (!isMap(units)) continue;
    for (const unit of Object.values(units)) {
      if (!isMap(unit)) continue;
      const envFile = unit.env_file;
      if (Array.isArray(envFile)) envFile.forEach((item, i) => typeof item === 'string' && (envFile[i] = resolve(dir, item)));
      else resolveKey(unit, 'env_file', dir);
      if (isMap(unit.extends)) resolveKey(unit.extends, 'file', dir);
      for (const key of ENV_KEYS) envListToMap(unit, key);
    }
  }
}

function resolveKey(map: ValueMap, key: string, dir: string): void {
  const value = map[key];
  if (typeof value === 'string' && value !== '') map[key] = resolve(dir, value);
}

function envListToMap(map: ValueMap, key: string): void {
  const list = map[key];
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && /^[^=]+=/.test(item))) return;
  const listMeta = metaOf(list);
  const out: ValueMap = {};
  const meta: Meta | undefined = listMeta && { self: listMeta.self, keys: new Map(), values: new Map() };
  list.forEach((item, i) => {
    const text = item as string;
    const eq = text.indexOf('=');
    const name = text.slice(0, eq);
    setOwn(out, name, text.slice(eq + 1));
    const loc = listMeta?.values.get(i);
    if (meta && loc) {
      meta.keys.set(name, loc);
      meta.values.set(name, loc);
    }
  });
  map[key] = meta ? attach(out, meta) : out;
}
