// Plain values (objects, arrays, scalars) that remember where each part was written, for file:line:col errors.
import { NO_POSITION, type Loc } from './source.js';

/** A parsed YAML value: scalars, arrays and plain objects, as JSON has. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** Maps whose keys are data (variable or header names), where `x-` keys are kept rather than dropped as extensions. */
export const FREE_FORM: ReadonlySet<string> = new Set(['environment', 'env', 'envs', 'metadata', 'headers']);

/** A plain object of parsed values. */
export type ValueMap = { [key: string]: Value };

/** Where a container and each of its entries were written. Keys of arrays are indexes. */
export interface Meta {
  self: Loc;
  /** Position of each key of an object. */
  keys: Map<string, Loc>;
  /** Position of each entry's value. */
  values: Map<string | number, Loc>;
}

// Held under a symbol, not enumerable: ajv, JSON, YAML output and Object.keys never see it. (A WeakMap beside the
// values cost a third of the time of loading 10,000 units, most of it in the garbage collector.)
const META = Symbol('positions');

/** Records where a container was written; returns the container. */
export function attach<T extends object>(container: T, meta: Meta): T {
  if (meta !== NO_META) Object.defineProperty(container, META, { value: meta });
  return container;
}

// For a pass without positions: records nothing, finds nothing.
const NO_LOCS = { get: () => undefined, set: () => NO_LOCS } as unknown as Map<never, Loc>;

/** The Meta of a value read without positions: attach() ignores it, so the value carries none. */
export const NO_META: Meta = { self: NO_POSITION, keys: NO_LOCS, values: NO_LOCS };

/** Where a container and its entries were written, when known. */
export function metaOf(container: object): Meta | undefined {
  return (container as { [META]?: Meta })[META];
}

/** A fresh, empty Meta for a container written at `self`. */
export function newMeta(self: Loc): Meta {
  return { self, keys: new Map(), values: new Map() };
}

// Below this many entries a position is found by scanning a CompactMeta's entries, not by building its maps.
const SCAN_LIMIT = 16;

/**
 * The Meta the fast YAML reader records: the offsets of each entry's key and value in one flat array, the maps made
 * from them only when something asks for them (an error to place, a merge, a second file). Why: two Loc objects and
 * two map entries per entry doubled the time and the heap of reading a 1 MB file with positions (issue 13).
 */
export class CompactMeta implements Meta {
  // [key, keyOffset (-1: none, as for list items), valueOffset, ...], in the order they were recorded.
  private entries: (string | number)[] = [];
  private maps: { keys: Map<string, Loc>; values: Map<string | number, Loc> } | undefined;

  constructor(readonly self: Loc) {}

  /** Records where an entry's key (-1 for none) and value were written, in the container's own source. */
  record(key: string | number, keyOffset: number, valueOffset: number): void {
    if (this.maps) {
      if (keyOffset >= 0) this.maps.keys.set(key as string, this.at(keyOffset));
      this.maps.values.set(key, this.at(valueOffset));
    } else this.entries.push(key, keyOffset, valueOffset);
  }

  get keys(): Map<string, Loc> {
    return this.built().keys;
  }

  get values(): Map<string | number, Loc> {
    return this.built().values;
  }

  /** Where the entry `key`'s key (`which: 'key'`) or value was written, without building the maps of a small one. */
  find(key: string | number, which: 'key' | 'value'): Loc | undefined {
    if (this.maps || this.entries.length > 3 * SCAN_LIMIT) return which === 'key' ? this.keys.get(key as string) : this.values.get(key);
    let found: number | undefined;
    for (let i = 0; i < this.entries.length; i += 3) {
      if (this.entries[i] !== key) continue;
      const offset = this.entries[i + (which === 'key' ? 1 : 2)] as number;
      if (offset >= 0) found = offset;
    }
    return found === undefined ? undefined : this.at(found);
  }

  /** A copy that records on its own (the copy of a value read again for an alias). */
  clone(): Meta {
    if (this.maps) return { self: this.self, keys: new Map(this.maps.keys), values: new Map(this.maps.values) };
    const copy = new CompactMeta(this.self);
    copy.entries = this.entries.slice();
    return copy;
  }

  private at(offset: number): Loc {
    return { source: this.self.source, offset };
  }

  private built(): { keys: Map<string, Loc>; values: Map<string | number, Loc> } {
    if (this.maps) return this.maps;
    const maps = { keys: new Map<string, Loc>(), values: new Map<string | number, Loc>() };
    for (let i = 0; i < this.entries.length; i += 3) {
      const key = this.entries[i] as string | number;
      const keyOffset = this.entries[i + 1] as number;
      if (keyOffset >= 0) maps.keys.set(key as string, this.at(keyOffset));
      maps.values.set(key, this.at(this.entries[i + 2] as number));
    }
    this.entries = [];
    this.maps = maps;
    return maps;
  }
}

/** Records where the entry `key` of a container's Meta was written (compactly when the Meta and positions allow). */
export function setEntry(meta: Meta, key: string, keyLoc: Loc, valueLoc: Loc): void {
  const source = meta.self.source;
  if (meta instanceof CompactMeta && keyLoc.source === source && valueLoc.source === source) return meta.record(key, keyLoc.offset, valueLoc.offset);
  meta.keys.set(key, keyLoc);
  meta.values.set(key, valueLoc);
}

/** Where the entry `key` of a container's Meta was written: its key (`which: 'key'`) or its value. */
export function entryLoc(meta: Meta | undefined, key: string | number, which: 'key' | 'value'): Loc | undefined {
  if (meta instanceof CompactMeta) return meta.find(key, which);
  return which === 'key' ? meta?.keys.get(key as string) : meta?.values.get(key);
}

/**
 * Sets an own property, also for the key `__proto__` (which plain assignment would take as the prototype).
 * Maps are plain `{}` objects rather than null-prototype ones: V8 keeps `{}` in fast mode, and reading 10,000
 * units out of dictionary-mode objects was a tenth of the load time. So look keys up with Object.hasOwn, never `in`.
 */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/** A deep copy of a value, its positions included (the copy's Meta is its own; the positions in it are shared). */
export function copyValue(value: Value): Value {
  if (typeof value !== 'object' || value === null) return value;
  const meta = metaOf(value);
  let out: Value[] | ValueMap;
  if (Array.isArray(value)) out = value.map(copyValue);
  else {
    out = {};
    for (const key of Object.keys(value)) setOwn(out, key, copyValue(value[key] as Value));
  }
  if (!meta) return out;
  return attach(out, meta instanceof CompactMeta ? meta.clone() : { self: meta.self, keys: new Map(meta.keys), values: new Map(meta.values) });
}

/** True for a plain object (not an array, not null). */
export function isMap(value: unknown): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a JSON pointer (`/servers/api/port`, as ajv reports) into keys. */
export function pointerKeys(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Where the node at `keys` under `root` was written. With `at: 'key'`, the position of its key in the parent
 * (for "unknown key" and for errors about a whole object, which read best at the object's name); else its value.
 */
export function locate(root: Value, keys: readonly (string | number)[], at: 'key' | 'value' = 'value'): Loc | undefined {
  let parent: Value = root;
  let best = typeof root === 'object' && root !== null ? metaOf(root)?.self : undefined;
  for (let i = 0; i < keys.length; i++) {
    if (typeof parent !== 'object' || parent === null) break;
    const meta = metaOf(parent);
    const key = Array.isArray(parent) ? Number(keys[i]) : String(keys[i]);
    const last = i === keys.length - 1;
    const keyLoc = typeof key === 'string' ? entryLoc(meta, key, 'key') : undefined;
    const valueLoc = entryLoc(meta, key, 'value');
    best = (last && at === 'key' ? keyLoc ?? valueLoc : valueLoc ?? keyLoc) ?? best;
    const child = childOf(parent, key);
    if (child === undefined) break;
    parent = child;
  }
  return best;
}

/** Where an error about the node at `keys` reads best: objects and arrays at their key, scalars at their value. */
export function locateNode(root: Value, keys: readonly (string | number)[]): Loc | undefined {
  const node = valueAt(root, keys);
  return locate(root, keys, typeof node === 'object' && node !== null && keys.length > 0 ? 'key' : 'value');
}

/** The value at `keys` under `root`, or undefined. */
export function valueAt(root: Value, keys: readonly (string | number)[]): Value | undefined {
  let node: Value | undefined = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = childOf(node, Array.isArray(node) ? Number(key) : String(key));
  }
  return node;
}

function childOf(container: Value[] | ValueMap, key: string | number): Value | undefined {
  if (Array.isArray(container)) return container[key as number];
  return Object.hasOwn(container, key) ? container[key as string] : undefined;
}
