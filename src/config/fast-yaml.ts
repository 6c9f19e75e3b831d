// A fast reader for the plain, common subset of YAML that compose files are written in. It produces the same values,
// positions and diagnostics as the yaml package followed by parse.ts's conversion, so callers cannot tell them apart.
//
// Why: the yaml package takes over a second for a 10,000-unit file on the machines this runs on, and issue 7 asks
// for the whole plan in 500 ms. This reader handles block maps and lists, one-line flow collections, plain and
// quoted one-line scalars and comments, and gives up (returns undefined, reporting nothing) on anything else:
// anchors, tags, merge keys, block scalars, multi-line scalars, tabs, non-ASCII text, anything odd. Those go to the
// yaml package, errors included. test/config/fast-yaml.test.ts compares the two on fixtures and random documents.
import type { Lookup } from './interpolate.js';
import { MAX_DEPTH, MAX_VALUES } from './limits.js';
import { attach, FREE_FORM, newMeta, NO_META, setOwn, type Meta, type Value, type ValueMap } from './located.js';
import { findIn, flowPlainText, GIVE_UP, giveUp, INDICATORS, quotedText, skipSpaces } from './fast-yaml-scan.js';
import { coreScalar, stringScalar, type ScalarContext, type Sink } from './scalar.js';
import { NO_POSITION, type Diagnostics, type Loc, type Source } from './source.js';

/**
 * Reads `source` if it stays within the subset; undefined (with nothing reported) means "use the yaml package".
 * With `positions: false` the values carry no positions (a first pass that is cheap when the file is valid).
 */
export function fastRead(source: Source, lookup: Lookup, diags: Diagnostics, positions = true): Value | undefined {
  // Printable ASCII and newlines only: no tabs, CR, BOM or control characters, whose rules are subtle.
  if (/[^\x20-\x7e\n]/.test(source.text)) return undefined;
  const buffered = new BufferedSink();
  try {
    const reader = new Reader({ source, diags: buffered, lookup, warnedUnset: new Set() }, positions);
    const first = reader.lines[0];
    if (!first) return undefined;
    const value = reader.block(first.indent, 0, false);
    if (reader.i !== reader.lines.length) return undefined;
    buffered.flush(diags);
    return value;
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

// Problems are held back until the whole text is read: if the reader gives up halfway, the yaml package's pass
// reports what it finds, and nothing from this pass may linger.
class BufferedSink implements Sink {
  private readonly held: [kind: 'error' | 'warn', loc: Loc, message: string][] = [];
  error(loc: Loc, message: string): void {
    this.held.push(['error', loc, message]);
  }
  warn(loc: Loc, message: string): void {
    this.held.push(['warn', loc, message]);
  }
  flush(diags: Diagnostics): void {
    for (const [kind, loc, message] of this.held) diags[kind](loc, message);
  }
}

// Values under `x-` keys are dropped, as parse.ts drops them: read (to move on) but report nothing.
const SILENT: Sink = { error() {}, warn() {} };

interface Line {
  indent: number;
  /** Offset of the line's first character. */
  begin: number;
  /** Offset of the first character after the indentation. */
  start: number;
  /** Offset of the newline (or the end of the text). */
  end: number;
}

class Reader {
  readonly lines: Line[] = [];
  i = 0;
  private readonly text: string;
  private count = 0;

  constructor(
    private readonly ctx: ScalarContext,
    private readonly positions: boolean,
  ) {
    const text = (this.text = ctx.source.text);
    for (let begin = 0; begin <= text.length; ) {
      let end = text.indexOf('\n', begin);
      if (end === -1) end = text.length;
      let start = begin;
      while (text.charCodeAt(start) === 0x20) start++;
      if (start < end && text[start] !== '#') {
        // Document markers and directives belong to the yaml package.
        if (start === begin && /^(?:---|\.\.\.|%)/.test(text.slice(begin, begin + 3))) giveUp();
        this.lines.push({ indent: start - begin, begin, start, end });
      }
      begin = end + 1;
    }
  }

  /** The block node (map or list) whose lines are at `indent`, starting at the current line. */
  block(indent: number, depth: number, keepX: boolean): Value {
    const line = this.lines[this.i] as Line;
    if (line.indent !== indent) giveUp();
    return this.isDash(line.start, line.end) ? this.seq(indent, depth) : this.map(indent, line.start, depth, keepX);
  }

  private isDash(pos: number, end: number): boolean {
    return this.text[pos] === '-' && (pos + 1 === end || this.text[pos + 1] === ' ');
  }

  private loc(offset: number): Loc {
    return { source: this.ctx.source, offset };
  }

  private meta(offset: number): Meta {
    return this.positions ? newMeta(this.loc(offset)) : NO_META;
  }

  // Past the loader's limits, the yaml package and parse.ts report it, each in its own way.
  private enter(depth: number): void {
    if (depth >= MAX_DEPTH || ++this.count >= MAX_VALUES) giveUp();
  }

  // Entries at `indent`; the first may start mid-line (`- key: value` in a list).
  private map(indent: number, firstStart: number, depth: number, keepX: boolean): ValueMap {
    this.enter(depth);
    const out: ValueMap = {};
    const meta = this.meta(firstStart);
    let pos = firstStart;
    for (;;) {
      const line = this.lines[this.i] as Line;
      const key = this.key(pos, line.end);
      if (!key) giveUp();
      const keyLoc = this.checkKey(out, meta, key.text, key.at, keepX);
      const read = () => this.mapValue(indent, key.colonEnd, line, depth + 1, FREE_FORM.has(key.text));
      if (keyLoc) this.put(out, meta, key.text, keyLoc, read());
      else this.silently(read);
      const next = this.lines[this.i];
      if (!next || next.indent < indent) return attach(out, meta);
      if (next.indent > indent || this.isDash(next.start, next.end)) giveUp();
      pos = next.start;
    }
  }

  // A key, checked exactly as parse.ts checks it; its position, or undefined for an `x-` key (read, then dropped).
  private checkKey(out: ValueMap, meta: Meta, text: string, at: number, keepX: boolean): Loc | undefined {
    if (!this.positions) {
      // Without positions the message cannot name the first line; an error makes loadConfig read again with them.
      if (Object.hasOwn(out, text)) this.ctx.diags.error(this.loc(at), `duplicate key \`${text}\``);
      return text.startsWith('x-') && !keepX ? undefined : NO_POSITION;
    }
    const keyLoc = this.loc(at);
    const first = meta.keys.get(text);
    if (first) this.ctx.diags.error(keyLoc, `duplicate key \`${text}\` (first written on line ${this.ctx.source.linePos(first.offset).line})`);
    return text.startsWith('x-') && !keepX ? undefined : keyLoc;
  }

  private put(out: ValueMap, meta: Meta, key: string, keyLoc: Loc, [value, at]: [Value, number]): void {
    if (this.positions) {
      meta.keys.set(key, keyLoc);
      meta.values.set(key, this.loc(at));
    }
    setOwn(out, key, value);
  }

  // Reads a dropped value without reporting anything, as parse.ts never looks into it.
  private silently(read: () => unknown): void {
    const { diags, warnedUnset } = this.ctx;
    Object.assign(this.ctx, { diags: SILENT, warnedUnset: new Set() });
    try {
      read();
    } finally {
      Object.assign(this.ctx, { diags, warnedUnset });
    }
  }

  private mapValue(indent: number, colonEnd: number, line: Line, depth: number, keepX: boolean): [Value, number] {
    const pos = skipSpaces(this.text, colonEnd, line.end);
    if (pos < line.end && this.text[pos] !== '#') return [this.inlineValue(pos, line, indent, depth, keepX), pos];
    if (pos < line.end && pos === colonEnd) giveUp();
    this.i++;
    const next = this.lines[this.i];
    if (next && next.indent > indent) return [this.block(next.indent, depth, keepX), next.start];
    // A list may sit at its key's own indentation (`key:\n- a`), as YAML allows for map values.
    if (next && next.indent === indent && this.isDash(next.start, next.end)) return [this.seq(indent, depth), next.start];
    // An empty value sits where the yaml package puts it: after the spaces that follow the colon.
    this.enter(depth);
    return [null, pos];
  }

  private seq(indent: number, depth: number): Value[] {
    this.enter(depth);
    const list: Value[] = [];
    const meta = this.meta((this.lines[this.i] as Line).start);
    for (;;) {
      const line = this.lines[this.i] as Line;
      const pos = skipSpaces(this.text, line.start + 1, line.end);
      if (pos === line.end || this.text[pos] === '#' || this.isDash(pos, line.end)) giveUp();
      if (this.positions) meta.values.set(list.length, this.loc(pos));
      list.push(this.key(pos, line.end) ? this.map(pos - line.begin, pos, depth + 1, false) : this.inlineValue(pos, line, indent, depth + 1, false));
      const next = this.lines[this.i];
      if (!next || next.indent < indent || !this.isDash(next.start, next.end)) return attach(list, meta);
      if (next.indent > indent) giveUp();
    }
  }

  // A value that fits on the rest of its line; a deeper line after it would continue it (or be an error): not ours.
  private inlineValue(pos: number, line: Line, indent: number, depth: number, keepX: boolean): Value {
    const c = this.text[pos] as string;
    let value: Value;
    let end: number;
    if (c === '[' || c === '{') [value, end] = this.flow(pos, line.end, depth, keepX);
    else if (c === '"' || c === "'") [value, end] = this.quoted(pos, line.end, depth);
    else [value, end] = this.plain(pos, line.end, depth);
    const after = skipSpaces(this.text, end, line.end);
    if (after < line.end && !(this.text[after] === '#' && after > end)) giveUp();
    this.i++;
    const next = this.lines[this.i];
    if (next && next.indent > indent) giveUp();
    return value;
  }

  // `key:` (plain or quoted) at `pos`, when the line holds one; the colon must be followed by a space or the end.
  private key(pos: number, end: number): { text: string; at: number; colonEnd: number } | undefined {
    const c = this.text[pos] as string;
    if (c === '"' || c === "'") {
      const [text, after] = quotedText(this.text, pos, end);
      const colon = skipSpaces(this.text, after, end);
      if (this.text[colon] !== ':' || !(colon + 1 === end || this.text[colon + 1] === ' ')) return undefined;
      if (colon - pos > 1000) giveUp();
      return { text, at: pos, colonEnd: colon + 1 };
    }
    if (INDICATORS.has(c)) return undefined;
    const colon = findIn(this.text, /:(?: |$)/, pos, end);
    if (colon === -1) return undefined;
    // YAML caps implicit keys at 1024 characters; the yaml package reports longer ones.
    if (colon - pos > 1000) giveUp();
    const raw = this.text.slice(pos, colon);
    // Keys with comments, quotes or flow characters in them are legal but rare; `<<` merges: the yaml package's.
    if (/[#"'[\]{},]/.test(raw) || raw.trimEnd() === '<<') giveUp();
    return { text: raw.trimEnd(), at: pos, colonEnd: colon + 1 };
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
        if (this.positions) meta.values.set((out as Value[]).length, this.loc(j));
        let item: Value;
        [item, j] = this.flowItem(j, end, depth + 1, false);
        (out as Value[]).push(item);
        j = skipSpaces(this.text, j, end);
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
    const valueAt = j;
    const keyLoc = this.checkKey(out, meta, text, pos, keepX);
    let value: Value = null;
    if (keyLoc) [value, j] = this.flowItem(j, end, depth + 1, FREE_FORM.has(text));
    else this.silently(() => ([, j] = this.flowItem(j, end, depth + 1, false)));
    if (keyLoc) this.put(out, meta, text, keyLoc, [value, valueAt]);
    return skipSpaces(this.text, j, end);
  }

  private flowItem(pos: number, end: number, depth: number, keepX: boolean): [Value, number] {
    if (pos >= end) giveUp();
    const c = this.text[pos] as string;
    if (c === '[' || c === '{') return this.flow(pos, end, depth, keepX);
    if (c === '"' || c === "'") return this.quoted(pos, end, depth);
    const [text, after] = flowPlainText(this.text, pos, end);
    return [this.plainValue(text, pos, depth), after];
  }
}
