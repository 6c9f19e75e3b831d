// Merging several compose files in order: maps key by key, later scalars and lists win.
import { attach, isMap, metaOf, setOwn, type Meta, type Value, type ValueMap } from './located.js';

/**
 * Merges `later` over `earlier`: where both are maps, key by key (recursively); anywhere else `later` wins whole,
 * so `needs` and `args` lists are replaced, not appended. Positions follow the file that wrote each value.
 * Neither input is changed.
 */
export function mergeValues(earlier: Value, later: Value): Value {
  if (!isMap(earlier) || !isMap(later)) return later;
  const a = metaOf(earlier);
  const b = metaOf(later);
  const out: ValueMap = {};
  const keys = new Map<string, Meta['self']>();
  const values = new Map<string | number, Meta['self']>();
  const copyLocs = (from: Meta | undefined, key: string) => {
    const keyLoc = from?.keys.get(key);
    const valueLoc = from?.values.get(key);
    if (keyLoc) keys.set(key, keyLoc);
    if (valueLoc) values.set(key, valueLoc);
  };
  for (const key of Object.keys(earlier)) {
    if (Object.hasOwn(later, key)) continue;
    setOwn(out, key, earlier[key] as Value);
    copyLocs(a, key);
  }
  for (const key of Object.keys(later)) {
    setOwn(out, key, Object.hasOwn(earlier, key) ? mergeValues(earlier[key] as Value, later[key] as Value) : (later[key] as Value));
    copyLocs(b, key);
  }
  const self = (b ?? a)?.self;
  return self ? attach(out, { self, keys, values }) : out;
}

/** Merges a list of parsed files in order; undefined when there are none. */
export function mergeAll(values: Value[]): Value | undefined {
  let merged: Value | undefined;
  for (const value of values) merged = merged === undefined ? value : mergeValues(merged, value);
  return merged;
}
