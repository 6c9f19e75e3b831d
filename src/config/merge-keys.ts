// `<<` merge keys and aliases as both YAML readers resolve them (parse.ts over the yaml package, and fast-yaml.ts),
// in one place so that the two cannot drift apart: which keys a merge adds, where they are said to be written, and
// the messages.
import { entryLoc, metaOf, setEntry, setOwn, type Meta, type Value, type ValueMap } from './located.js';

/** The error at a `<<` source that is not a map. */
export const MERGE_NOT_MAP = '`<<` merges a map (or a list of maps) into this map';

/** The error at an alias with no anchor of its name before it. */
export function unknownAlias(name: string): string {
  return `unknown alias \`*${name}\` (no \`&${name}\` before it)`;
}

/**
 * Adds the keys of `source` that `out` does not already hold, with the positions they were written at (in the
 * anchored map); called once per source, in order, after the map's own keys: own keys win, then earlier sources.
 */
export function mergeKeys(out: ValueMap, meta: Meta, source: ValueMap): void {
  const from = metaOf(source);
  for (const key of Object.keys(source)) {
    if (Object.hasOwn(out, key)) continue;
    setOwn(out, key, source[key] as Value);
    const keyLoc = entryLoc(from, key, 'key') ?? meta.self;
    setEntry(meta, key, keyLoc, entryLoc(from, key, 'value') ?? keyLoc);
  }
}
