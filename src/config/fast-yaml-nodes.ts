// The fast YAML reader's nodes that fit on one line (scalars, flow collections, aliases), anchors, and what block and
// flow reading share (keys, positions, limits, `<<` merges). fast-yaml.ts reads the block structure on top of it.
import { Anchors, type Definition, type Written } from './fast-yaml-anchors.js';
import { findIn, flowPlainText, giveUp, INDICATORS, propName, quotedText, skipSpaces } from './fast-yaml-scan.js';
import { MAX_DEPTH, MAX_VALUES } from './limits.js';
import { attach, CompactMeta, entryLoc, FREE_FORM, isMap, NO_META, setOwn, type Meta, type Value, type ValueMap } from './located.js';
import { MERGE_NOT_MAP, mergeKeys, unknownAlias } from './merge-keys.js';
import { coreScalar, stringScalar, type ScalarContext, type Sink } from './scalar.js';
import type { Loc } from './source.js';

// Values under `x-` keys are dropped, as parse.ts drops them: read (to move on) but report nothing.
const SILENT: Sink = { error() {}, warn() {} };

/** An alias (also one source of a `<<` merge), and the node it names (undefined for an unknown anchor). */
export interface AliasAt {
  at: number;
  name: string;
  named: Definition | undefined;
}

/** Reading of one-line nodes and anchors; the block reader (fast-yaml.ts) extends it. */
export abstract class NodeReader {
  protected readonly text: string;
  protected readonly anchors = new Anchors();
  private count = 0;
  private problems = 0;

  constructor(
    protected readonly ctx: ScalarContext,
    protected readonly positions: boolean,
  ) {
    this.text = ctx.source.text;
    // Problems are counted, so that an alias read without one can be copied for the next (see Anchors.copy).
    const sink = ctx.diags;
    const count = () => this.problems++;
    ctx.diags = { error: (loc, message) => (count(), sink.error(loc, message)), warn: (loc, message) => (count(), sink.warn(loc, message)) };
  }

  /** Reads the anchored block node `node` again, for an alias, leaving the reader where it was. */
  protected abstract replayBlock(node: Written & { kind: 'block' }, depth: number, keepX: boolean): Value;

  protected loc(offset: number): Loc {
    return { source: this.ctx.source, offset };
  }

  protected meta(offset: number): Meta {
    return this.positions ? new CompactMeta(this.loc(offset)) : NO_META;
  }

  /** Records where entry `key` (-1: no key, a list item) and its value were written, when reading with positions. */
  protected record(meta: Meta, key: string | number, keyAt: number, valueAt: number): void {
    if (this.positions) (meta as CompactMeta).record(key, keyAt, valueAt);
  }

  // Past the loader's limits, the yaml package and parse.ts report it, each in its own way.
  protected enter(depth: number): void {
    if (depth >= MAX_DEPTH || ++this.count >= MAX_VALUES) giveUp();
  }

  // A key, checked exactly as parse.ts checks it; true to keep it, false for an `x-` key (read, then dropped).
  // (While a map's own keys are read, it holds a key exactly when its Meta does: merges come after.)
  protected checkKey(out: ValueMap, meta: Meta, text: string, at: number, keepX: boolean): boolean {
    if (Object.hasOwn(out, text)) {
      // Without positions the message cannot name the first line; an error makes loadConfig read again with them.
      const first = entryLoc(meta, text, 'key');
      const line = first ? ` (first written on line ${this.ctx.source.linePos(first.offset).line})` : '';
      this.ctx.diags.error(this.loc(at), `duplicate key \`${text}\`${line}`);
    }
    return !text.startsWith('x-') || keepX;
  }

  protected put(out: ValueMap, meta: Meta, key: string, keyAt: number, [value, at]: [Value, number]): void {
    this.record(meta, key, keyAt, at);
    setOwn(out, key, value);
  }

  // Reads a dropped value without reporting anything, as parse.ts never looks into it.
  protected silently(read: () => unknown): void {
    const { diags, warnedUnset } = this.ctx;
    Object.assign(this.ctx, { diags: SILENT, warnedUnset: new Set() });
    try {
      read();
    } finally {
      Object.assign(this.ctx, { diags, warnedUnset });
    }
  }

  /** `&name` at `pos`: the name and where the node it anchors starts. An anchor on an alias is the yaml package's. */
  protected anchorAt(pos: number, end: number): [string, number] {
    const [name, after] = propName(this.text, pos, end);
    if (after < end && this.text[after] !== ' ') giveUp();
    const at = skipSpaces(this.text, after, end);
    if (this.text[at] === '*' || this.text[at] === '&') giveUp();
    return [name, at];
  }

  /** Reads a node with `read` and records it as anchored under `name`, with its size for the alias limit. */
  protected anchored<T extends [Value, ...number[]]>(name: string, node: Written, read: () => T): T {
    const definition = this.anchors.define(name, node);
    const before = this.count;
    const result = read();
    if (definition) definition.size = this.count - before;
    return result;
  }

  // `*name`: the node it names, read again where the alias is (parse.ts converts it again: a new value, the anchored
  // node's positions, its problems reported again, `x-` keys kept or dropped as the alias's place has them).
  private alias(pos: number, end: number, depth: number, keepX: boolean, flow: boolean): [Value, number] {
    const [name, after] = propName(this.text, pos, end);
    if (after < end && this.text[after] !== ' ' && !(flow && /[,\]}]/.test(this.text[after] as string))) giveUp();
    return [this.aliasValue({ at: pos, name, named: this.anchors.resolve(name, pos) }, depth, keepX), after];
  }

  private aliasValue(alias: AliasAt, depth: number, keepX: boolean): Value {
    const size = alias.named?.size;
    // Under an `x-` key the value is dropped unseen: only its size counts (an alias bomb under `x-` keys costs nothing).
    if (size !== undefined && this.ctx.diags === SILENT) {
      if ((this.count += size) >= MAX_VALUES) giveUp();
      return null;
    }
    if (alias.named) return this.replay(alias.named, depth, keepX);
    this.enter(depth);
    this.ctx.diags.error(this.loc(alias.at), unknownAlias(alias.name));
    return null;
  }

  private replay(named: Definition, depth: number, keepX: boolean): Value {
    const copy = this.anchors.copy(named, depth, keepX);
    if (copy !== undefined) {
      if ((this.count += named.size as number) >= MAX_VALUES) giveUp();
      return copy;
    }
    const { node } = named;
    const problems = this.problems;
    this.anchors.replaying++;
    let value: Value;
    try {
      if (node.kind === 'block') value = this.replayBlock(node, depth, keepX);
      else value = (node.kind === 'inline' ? this.inlineNode(node.at, node.end, depth, keepX) : this.flowItem(node.at, node.end, depth, keepX))[0];
    } finally {
      this.anchors.replaying--;
    }
    if (this.problems === problems) this.anchors.keep(named, depth, keepX, value);
    return value;
  }

  /** The alias at `pos` as a source of a `<<` merge (read later, by merge); the offset after it. */
  protected mergeSource(pos: number, end: number, flow: boolean, sources: AliasAt[]): number {
    if (this.text[pos] !== '*') giveUp();
    const [name, after] = propName(this.text, pos, end);
    if (after < end && this.text[after] !== ' ' && !(flow && /[,\]]/.test(this.text[after] as string))) giveUp();
    sources.push({ at: pos, name, named: this.anchors.resolve(name, pos) });
    return after;
  }

  /** Merges `sources` into a map once its own keys are read, as parse.ts does (so problems come in its order). */
  protected merge(out: ValueMap, meta: Meta, sources: AliasAt[], depth: number, keepX: boolean): void {
    for (const source of sources) {
      const value = this.aliasValue(source, depth, keepX);
      // null: an unknown alias (reported) or an anchored null, which parse.ts skips alike.
      if (value === null) continue;
      if (isMap(value)) mergeKeys(out, meta, value);
      else this.ctx.diags.error(this.loc(source.at), MERGE_NOT_MAP);
    }
  }

  /** A node that fits on the rest of its line, from `pos`: its value and the offset after it. */
  protected inlineNode(pos: number, end: number, depth: number, keepX: boolean): [Value, number] {
    const c = this.text[pos] as string;
    if (c === '[' || c === '{') return this.flow(pos, end, depth, keepX);
    if (c === '"' || c === "'") return this.quoted(pos, end, depth);
    if (c === '*') return this.alias(pos, end, depth, keepX, false);
    return this.plain(pos, end, depth);
  }

  private plain(pos: number, end: number, depth: number): [Value, number] {
    const c = this.text[pos] as string;
    if (INDICATORS.has(c) && !(c === '-' && pos + 1 < end && this.text[pos + 1] !== ' ')) giveUp();
    const comment = findIn(this.text, / #/, pos, end);
    const text = this.text.slice(pos, comment === -1 ? end : comment).trimEnd();
    if (text.includes(': ') || text.endsWith(':')) giveUp();
    return [this.plainValue(text, pos, depth), pos + text.length];
  }

  private plainValue(text: string, pos: number, depth: number): Value {
    this.enter(depth);
    const value = coreScalar(text);
    return typeof value === 'string' ? stringScalar(text, pos, true, this.ctx) : value;
  }

  private quoted(pos: number, end: number, depth: number): [Value, number] {
    this.enter(depth);
    const [text, after] = quotedText(this.text, pos, end);
    return [stringScalar(text, pos, false, this.ctx), after];
  }

  // `[a, b]` or `{a: 1}` on one line, nested; no trailing commas, no empty values, no multi-line collections.
  private flow(pos: number, end: number, depth: number, keepX: boolean): [Value, number] {
    this.enter(depth);
    const isMap = this.text[pos] === '{';
    const close = isMap ? '}' : ']';
    const meta = this.meta(pos);
    const out: ValueMap | Value[] = isMap ? {} : [];
    let j = skipSpaces(this.text, pos + 1, end);
    if (this.text[j] === close) return [attach(out, meta), j + 1];
    for (;;) {
      if (isMap) j = this.flowEntry(out as ValueMap, meta, j, end, depth, keepX);
      else {
        const [item, after, at] = this.flowNode(j, end, depth + 1, false);
        this.record(meta, (out as Value[]).length, -1, at);
        (out as Value[]).push(item);
        j = skipSpaces(this.text, after, end);
        if (this.text[j] === ':') giveUp();
      }
      if (this.text[j] === close) return [attach(out, meta), j + 1];
      if (this.text[j] !== ',') giveUp();
      j = skipSpaces(this.text, j + 1, end);
      if (this.text[j] === close || j >= end) giveUp();
    }
  }

  private flowEntry(out: ValueMap, meta: Meta, pos: number, end: number, depth: number, keepX: boolean): number {
    const c = this.text[pos];
    if (c === '[' || c === '{') giveUp();
    const [text, keyEnd] = c === '"' || c === "'" ? quotedText(this.text, pos, end) : flowPlainText(this.text, pos, end);
    let j = skipSpaces(this.text, keyEnd, end);
    if (this.text[j] !== ':' || j - pos > 1000 || (c !== '"' && c !== "'" && text === '<<')) giveUp();
    j = skipSpaces(this.text, j + 1, end);
    if (j >= end || this.text[j] === ',' || this.text[j] === '}') giveUp();
    const kept = this.checkKey(out, meta, text, pos, keepX);
    const from = j;
    if (kept) {
      const [value, after, at] = this.flowNode(from, end, depth + 1, FREE_FORM.has(text));
      this.put(out, meta, text, pos, [value, at]);
      j = after;
    } else this.silently(() => ([, j] = this.flowNode(from, end, depth + 1, false)));
    return skipSpaces(this.text, j, end);
  }

  // An item of a flow collection, anchored or not: its value, the offset after it, and where the node starts.
  private flowNode(pos: number, end: number, depth: number, keepX: boolean): [Value, number, number] {
    if (this.text[pos] !== '&') return [...this.flowItem(pos, end, depth, keepX), pos];
    const [name, at] = this.anchorAt(pos, end);
    return [...this.anchored(name, { kind: 'flow', at, end }, () => this.flowItem(at, end, depth, keepX)), at];
  }

  private flowItem(pos: number, end: number, depth: number, keepX: boolean): [Value, number] {
    if (pos >= end) giveUp();
    const c = this.text[pos] as string;
    if (c === '[' || c === '{') return this.flow(pos, end, depth, keepX);
    if (c === '"' || c === "'") return this.quoted(pos, end, depth);
    if (c === '*') return this.alias(pos, end, depth, keepX, true);
    const [text, after] = flowPlainText(this.text, pos, end);
    return [this.plainValue(text, pos, depth), after];
  }
}
