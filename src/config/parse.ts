// YAML text → plain values that remember where they were written, with `${VAR}` interpolated on the way.
import { createRequire } from 'node:module';
import type { Alias, Node, Scalar } from 'yaml';
import { fastRead } from './fast-yaml.js';
import type { Lookup } from './interpolate.js';
import { EMPTY_FILE, MAX_BYTES, MAX_DEPTH, MAX_VALUES, tooBigMessage, TOO_DEEP } from './limits.js';
import { attach, FREE_FORM, isMap, newMeta, setOwn, type Meta, type Value, type ValueMap } from './located.js';
import { MERGE_NOT_MAP, mergeKeys, unknownAlias } from './merge-keys.js';
import { stringScalar } from './scalar.js';
import type { Diagnostics, Loc, Source } from './source.js';
import { aliasOverflow, readDocument } from './yaml-guard.js';


// The yaml package is loaded at its first use: most compose files are read by the fast reader (fast-yaml.ts), and a
// command that never needs the package saves loading it (~30 ms of every CLI start). It ships a CommonJS build.
let yamlPackage: typeof import('yaml') | undefined;
const Y = (): typeof import('yaml') => (yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

const MULTIPLE_DOCS = 'a compose file holds one YAML document: remove this `---` and what follows, or put it in another file given with -f';


interface Context {
  source: Source;
  diags: Diagnostics;
  lookup: Lookup;
  /** Anchored nodes by name, in document order (found lazily: most files have none). */
  anchors?: Map<string, Node[]>;
  expanding: Set<Node>;
  count: number;
  warnedUnset: Set<string>;
  root: Node;
}

/**
 * Parses one compose file (with the fast reader when the text allows, else the yaml package; `fast: false` forces
 * the yaml package, for tests that compare the two). `positions: false` lets the fast reader skip positions.
 * Returns undefined when the file is refused (its errors are reported): a YAML error, a file over a limit (see
 * limits.ts), or an empty file. Duplicate keys and interpolation problems are reported, and the value is kept.
 */
export function parseYaml(source: Source, lookup: Lookup, diags: Diagnostics, options: { fast?: boolean; positions?: boolean } = {}): Value | undefined {
  // Both readers' work grows with the text: the size is checked first (readers of files check it before reading).
  // (A UTF-16 unit is at most 3 bytes of UTF-8, so short texts need no count.)
  const bytes = source.text.length * 3 > MAX_BYTES ? Buffer.byteLength(source.text) : 0;
  if (bytes > MAX_BYTES) return void diags.error({ source, offset: 0 }, tooBigMessage(bytes));
  const positions = options.positions !== false;
  const fast = options.fast === false ? undefined : fastRead(source, lookup, diags, positions);
  if (fast !== undefined) {
    diags.positionless ||= !positions;
    return fast;
  }
  const doc = readDocument(Y(), source.text);
  if (!('errors' in doc)) return void diags.error({ source, offset: doc.offset }, doc.message);
  for (const warning of doc.warnings) diags.warn({ source, offset: warning.pos[0] }, warning.message);
  if (doc.errors.length > 0) {
    // After the first syntax error the parser is out of step, and what it reports next is mostly an echo of it.
    const first = doc.errors.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
    const rest = doc.errors.length - 1;
    const more = rest === 0 ? '' : ` (and ${rest} more YAML error${rest === 1 ? '' : 's'} after it, likely caused by this one)`;
    // `{ port: ${PORT} }`: in a flow collection `{` ends a plain scalar, so the `${` needs quotes.
    const hint = source.text.startsWith('${', first.pos[0] - 1) ? '; inside `{ }` or `[ ]`, put a value holding `${...}` in quotes' : '';
    diags.error({ source, offset: first.pos[0] }, `${yamlMessage(first)}${hint}${more}`);
    return undefined;
  }
  const root = doc.contents;
  // Nothing, only comments, or a lone `null` / `~`: a file saved half-way or emptied by mistake must not read as
  // "no units" (under --watch that removed every unit).
  if (root === null || (Y().isScalar(root) && root.value === null)) return void diags.error({ source, offset: 0 }, EMPTY_FILE);
  const tooMany = aliasOverflow(Y(), root);
  if (tooMany) return void diags.error({ source, offset: tooMany.offset }, tooMany.message);
  const ctx: Context = { source, diags, lookup, expanding: new Set(), count: 0, warnedUnset: new Set(), root };
  return convert(root, ctx, 0, false);
}

function yamlMessage(error: { code: string; message: string }): string {
  if (error.code === 'MULTIPLE_DOCS') return MULTIPLE_DOCS;
  // The yaml parser recurses per level of nesting and reports the stack running out as an error of the document.
  if (error.message.includes('Maximum call stack size exceeded')) return TOO_DEEP;
  return error.message;
}

function convert(node: Node | null, ctx: Context, depth: number, keepX: boolean): Value {
  if (node === null) return null;
  const loc = locOf(node, ctx);
  if (++ctx.count > MAX_VALUES) {
    if (ctx.count === MAX_VALUES + 1) ctx.diags.error(loc, `the document expands to more than ${MAX_VALUES} values (through aliases)`);
    return null;
  }
  if (depth > MAX_DEPTH) {
    ctx.diags.error(loc, TOO_DEEP);
    return null;
  }
  if (Y().isScalar(node)) return scalar(node, ctx);
  if (Y().isAlias(node)) return alias(node, ctx, depth, keepX);
  if (Y().isSeq(node)) {
    const meta = newMeta(loc);
    const list: Value[] = [];
    for (const item of node.items as (Node | null)[]) {
      meta.values.set(list.length, item ? locOf(item, ctx) : loc);
      list.push(convert(item, ctx, depth + 1, false));
    }
    return attach(list, meta);
  }
  if (Y().isMap(node)) return map(node.items as { key: unknown; value: unknown }[], loc, ctx, depth, keepX);
  ctx.diags.error(loc, 'unsupported YAML node');
  return null;
}

function map(pairs: { key: unknown; value: unknown }[], loc: Loc, ctx: Context, depth: number, keepX: boolean): ValueMap {
  const meta = newMeta(loc);
  const out: ValueMap = {};
  const merges: Node[] = [];
  for (const pair of pairs) {
    const keyNode = pair.key as Node | null;
    const valueNode = pair.value as Node | null;
    if (keyNode === null || !Y().isScalar(keyNode)) {
      ctx.diags.error(keyNode ? locOf(keyNode, ctx) : loc, 'map keys must be plain strings');
      continue;
    }
    const keyLoc = locOf(keyNode, ctx);
    const key = keyText(keyNode, ctx);
    if (key === '<<' && keyNode.type === 'PLAIN') {
      if (valueNode) merges.push(valueNode);
      continue;
    }
    const first = meta.keys.get(key);
    if (first) {
      const line = ctx.source.linePos(first.offset).line;
      ctx.diags.error(keyLoc, `duplicate key \`${key}\` (first written on line ${line})`);
    }
    if (key.startsWith('x-') && !keepX) continue;
    meta.keys.set(key, keyLoc);
    meta.values.set(key, valueNode ? locOf(valueNode, ctx) : keyLoc);
    setOwn(out, key, convert(valueNode, ctx, depth + 1, FREE_FORM.has(key)));
  }
  for (const source of merges) mergeInto(out, meta, source, ctx, depth, keepX);
  return attach(out, meta);
}

// `<<: *base` (or a list of them) adds the keys the map does not set itself; earlier sources win, as in YAML 1.1.
function mergeInto(out: ValueMap, meta: Meta, node: Node, ctx: Context, depth: number, keepX: boolean): void {
  const sources = Y().isSeq(node) ? (node.items as Node[]) : [node];
  for (const item of sources) {
    const value = item ? convert(item, ctx, depth + 1, keepX) : null;
    if (value === null && item && Y().isAlias(item)) continue; // the alias has reported why it has no value
    if (!isMap(value)) {
      ctx.diags.error(item ? locOf(item, ctx) : meta.self, MERGE_NOT_MAP);
      continue;
    }
    mergeKeys(out, meta, value);
  }
}

function alias(node: Alias, ctx: Context, depth: number, keepX: boolean): Value {
  const target = anchorFor(node, ctx);
  const loc = locOf(node, ctx);
  if (!target) {
    ctx.diags.error(loc, unknownAlias(node.source));
    return null;
  }
  if (ctx.expanding.has(target)) {
    ctx.diags.error(loc, `alias \`*${node.source}\` refers to a value that contains it`);
    return null;
  }
  ctx.expanding.add(target);
  try {
    return convert(target, ctx, depth, keepX);
  } finally {
    ctx.expanding.delete(target);
  }
}

// The last node anchored with this name before the alias, as YAML defines it.
function anchorFor(node: Alias, ctx: Context): Node | undefined {
  if (!ctx.anchors) {
    const anchors = new Map<string, Node[]>();
    Y().visit(ctx.root, {
      Node(_, n) {
        if (!n.anchor) return;
        const list = anchors.get(n.anchor);
        if (list) list.push(n);
        else anchors.set(n.anchor, [n]);
      },
    });
    ctx.anchors = anchors;
  }
  const at = node.range?.[0] ?? 0;
  const candidates = ctx.anchors.get(node.source) ?? [];
  let found: Node | undefined;
  for (const candidate of candidates) if ((candidate.range?.[0] ?? 0) < at) found = candidate;
  return found;
}

function scalar(node: Scalar, ctx: Context): Value {
  const value = node.value;
  if (typeof value === 'string') return stringScalar(value, node.range?.[0] ?? 0, node.type === 'PLAIN', ctx);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

function keyText(node: Scalar, ctx: Context): string {
  if (typeof node.value === 'string') return node.value;
  const range = node.range;
  return range ? ctx.source.text.slice(range[0], range[1]) : String(node.value);
}

function locOf(node: Node, ctx: Context): Loc {
  return { source: ctx.source, offset: node.range?.[0] ?? 0 };
}
