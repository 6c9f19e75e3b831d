// `include:` of other compute files, as compose's top-level `include`: each is read with its paths relative to
// itself (and its own includes first), and its units and overlays join those of the file that includes it. A unit
// defined twice, a cycle, or a missing file is an error where it was written.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { attach, isMap, locate, metaOf, newMeta, type Meta, type Value, type ValueMap } from './located.js';
import { mergeAll } from './merge.js';
import { NO_POSITION, type Diagnostics, type Loc } from './source.js';

/** Reads, parses and prepares one included file (its paths resolved against its folder); undefined when refused. */
export type ReadIncluded = (path: string) => Promise<Value | undefined>;

/** What expanding the includes of a file found. */
export interface Included {
  value: Value;
  /** Every file read through `include`, for --watch. */
  files: string[];
}

const SECTIONS = ['servers', 'services'] as const;

/**
 * Replaces `file`'s top-level `include:` by what the files it names define. A malformed `include` is left for the
 * schema. A file reached twice (a includes b and c, both include d) is read once.
 */
export async function expandIncludes(doc: Value, file: string, read: ReadIncluded, diags: Diagnostics, chain: string[] = [file], seen = new Set<string>()): Promise<Included> {
  const files: string[] = [];
  if (!isMap(doc) || !Array.isArray(doc.include) || !doc.include.every((item) => typeof item === 'string' && item !== '')) return { value: doc, files };
  const shown = (path: string) => relative(dirname(chain[0] as string), path) || path;
  const parts: { value: ValueMap; file: string }[] = [];
  for (const [i, item] of (doc.include as string[]).entries()) {
    const path = resolve(dirname(file), item);
    const loc = locate(doc, ['include', i]) ?? NO_POSITION;
    if (chain.includes(path)) {
      diags.error(loc, `include: a cycle: ${[...chain, path].map(shown).join(' → ')}`);
      continue;
    }
    if (seen.has(path)) continue;
    seen.add(path);
    if (!existsSync(path)) {
      diags.error(loc, `include: no such file: ${item}`);
      continue;
    }
    files.push(path);
    const value = await read(path);
    if (value === undefined) continue;
    if (!isMap(value)) {
      diags.error(loc, `include: ${item} is not a compute file (it must be a map of servers, services and overlays)`);
      continue;
    }
    const inner = await expandIncludes(value, path, read, diags, [...chain, path], seen);
    files.push(...inner.files);
    parts.push({ value: projectKeysOut(inner.value as ValueMap, diags), file: path });
  }
  delete doc.include;
  reportTwice(parts, { value: doc, file }, shown, diags);
  const overlays = joinLists([...parts.map((part) => part.value.overlays), doc.overlays]);
  const joined = mergeAll([...parts.map((part) => part.value), doc]) as ValueMap;
  if (overlays) joined.overlays = overlays;
  return { value: joined, files };
}

// An included file brings units and overlays; the project's name and sandbox are the including file's.
function projectKeysOut(doc: ValueMap, diags: Diagnostics): ValueMap {
  for (const key of ['name', 'sandbox']) {
    if (!Object.hasOwn(doc, key)) continue;
    diags.error(locate(doc, [key], 'key') ?? NO_POSITION, `\`${key}\` in an included file is not used: the including file sets the project's ${key}; remove it here`);
    delete doc[key];
  }
  return doc;
}

// A unit is defined once across the including file and everything it includes (merging them would hide one).
function reportTwice(parts: { value: ValueMap; file: string }[], own: { value: ValueMap; file: string }, shown: (path: string) => string, diags: Diagnostics): void {
  const first = new Map<string, string>();
  for (const { value, file } of [...parts, own]) {
    for (const section of SECTIONS) {
      const units = value[section];
      if (!isMap(units)) continue;
      for (const name of Object.keys(units)) {
        if (name.startsWith('x-')) continue;
        const before = first.get(name);
        if (before === undefined) first.set(name, file);
        else diags.error(locate(value, [section, name], 'key') ?? NO_POSITION, `\`${name}\` is already defined in ${shown(before)}; a unit is defined once across included files`);
      }
    }
  }
}

// The overlays of every file, in order, each keeping its position; undefined when no file has a list.
function joinLists(lists: (Value | undefined)[]): Value[] | undefined {
  const present = lists.filter((list): list is Value[] => Array.isArray(list));
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  const out: Value[] = [];
  let meta: Meta | undefined;
  for (const list of present) {
    const from = metaOf(list);
    meta ??= from && newMeta(from.self);
    list.forEach((item, i) => {
      const loc: Loc | undefined = from?.values.get(i);
      if (meta && loc) meta.values.set(out.length, loc);
      out.push(item);
    });
  }
  return meta ? attach(out, meta) : out;
}
