// A fast reader for the plain, common subset of YAML that compose files are written in. It produces the same values,
// positions and diagnostics as the yaml package followed by parse.ts's conversion, so callers cannot tell them apart.
//
// Why: the yaml package takes over a second for a 10,000-unit file on the machines this runs on, and issue 7 asks
// for the whole plan in 500 ms. This reader handles block maps and lists, one-line flow collections, plain and
// quoted one-line scalars, comments, anchors (`&a` on a value, a block map or list, a flow item), aliases (`*a`,
// read again where they stand, as parse.ts converts the anchored node again) and merge keys (`<<: *a`,
// `<<: [*a, *b]`). It gives up (returns undefined, reporting nothing) on anything else: tags, block scalars,
// multi-line scalars, tabs, non-ASCII text, an alias inside the node it names, aliases that add more than
// MAX_ALIAS_VALUES, anything odd. Those go to the yaml package, errors included. test/config/fast-yaml.test.ts
// compares the two on fixtures and random documents.
import type { Lookup } from './interpolate.js';
import type { Written } from './fast-yaml-anchors.js';
import { NodeReader, type AliasAt } from './fast-yaml-nodes.js';
import { findIn, GIVE_UP, giveUp, INDICATORS, quotedText, skipSpaces } from './fast-yaml-scan.js';
import { attach, FREE_FORM, type Value, type ValueMap } from './located.js';
import type { ScalarContext, Sink } from './scalar.js';
import type { Diagnostics, Loc, Source } from './source.js';

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

interface Line {
  indent: number;
  /** Offset of the line's first character. */
  begin: number;
  /** Offset of the first character after the indentation. */
  start: number;
  /** Offset of the newline (or the end of the text). */
  end: number;
}

class Reader extends NodeReader {
  readonly lines: Line[] = [];
  i = 0;

  constructor(ctx: ScalarContext, positions: boolean) {
    super(ctx, positions);
    const text = this.text;
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

  protected override replayBlock(node: Written & { kind: 'block' }, depth: number, keepX: boolean): Value {
    const i = this.i;
    this.i = node.line;
    try {
      return this.blockNode(node, depth, keepX);
    } finally {
      this.i = i;
    }
  }

  private blockNode(node: Written & { kind: 'block' }, depth: number, keepX: boolean): Value {
    return node.seq ? this.seq(node.indent, depth) : this.block(node.indent, depth, keepX);
  }

  private isDash(pos: number, end: number): boolean {
    return this.text[pos] === '-' && (pos + 1 === end || this.text[pos + 1] === ' ');
  }

  // Entries at `indent`; the first may start mid-line (`- key: value` in a list).
  private map(indent: number, firstStart: number, depth: number, keepX: boolean): ValueMap {
    this.enter(depth);
    const out: ValueMap = {};
    const meta = this.meta(firstStart);
    const merges: AliasAt[] = [];
    let pos = firstStart;
    for (;;) {
      const line = this.lines[this.i] as Line;
      const key = this.key(pos, line.end);
      if (!key) giveUp();
      if (key.merge) this.mergeLine(indent, key.colonEnd, line, depth + 1, merges);
      else {
        const read = () => this.mapValue(indent, key.colonEnd, line, depth + 1, FREE_FORM.has(key.text));
        if (this.checkKey(out, meta, key.text, key.at, keepX)) this.put(out, meta, key.text, key.at, read());
        else this.silently(read);
      }
      const next = this.lines[this.i];
      if (!next || next.indent < indent) break;
      if (next.indent > indent || this.isDash(next.start, next.end)) giveUp();
      pos = next.start;
    }
    if (merges.length > 0) this.merge(out, meta, merges, depth + 1, keepX);
    return attach(out, meta);
  }

  // `<<: *a` or `<<: [*a, *b]` (other merge values are the yaml package's): its sources, merged after the own keys.
  private mergeLine(indent: number, colonEnd: number, line: Line, depth: number, merges: AliasAt[]): void {
    const pos = skipSpaces(this.text, colonEnd, line.end);
    if (this.text[pos] !== '[') return this.endLine(this.mergeSource(pos, line.end, false, merges), line, indent);
    // The list is a node of the document (aliasOverflow counts it); parse.ts never converts it.
    this.enter(depth);
    let j = skipSpaces(this.text, pos + 1, line.end);
    for (;;) {
      j = skipSpaces(this.text, this.mergeSource(j, line.end, true, merges), line.end);
      if (this.text[j] === ']') return this.endLine(j + 1, line, indent);
      if (this.text[j] !== ',') giveUp();
      j = skipSpaces(this.text, j + 1, line.end);
    }
  }

  private mapValue(indent: number, colonEnd: number, line: Line, depth: number, keepX: boolean): [Value, number] {
    let pos = skipSpaces(this.text, colonEnd, line.end);
    let anchor: string | undefined;
    if (this.text[pos] === '&') [anchor, pos] = this.anchorAt(pos, line.end);
    if (pos < line.end && this.text[pos] !== '#') return [this.inlineValue(pos, line, indent, depth, keepX, anchor), pos];
    if (pos < line.end && pos === colonEnd) giveUp();
    this.i++;
    const next = this.lines[this.i];
    // A list may sit at its key's own indentation (`key:\n- a`), as YAML allows for map values.
    const seq = next !== undefined && next.indent === indent && this.isDash(next.start, next.end);
    if (next && (next.indent > indent || seq)) {
      const node = { kind: 'block', at: next.start, line: this.i, indent: next.indent, seq } as const;
      return [anchor === undefined ? this.blockNode(node, depth, keepX) : this.anchored(anchor, node, () => [this.blockNode(node, depth, keepX)])[0], next.start];
    }
    // An anchored empty value is rare: the yaml package's.
    if (anchor !== undefined) giveUp();
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
      let pos = skipSpaces(this.text, line.start + 1, line.end);
      if (pos === line.end || this.text[pos] === '#' || this.isDash(pos, line.end)) giveUp();
      let anchor: string | undefined;
      // `- &a key: v` anchors the key, and `- &a` alone a block below: both the yaml package's.
      if (this.text[pos] === '&') [anchor, pos] = this.anchorAt(pos, line.end);
      const isMap = pos < line.end && this.text[pos] !== '#' && this.key(pos, line.end) !== undefined;
      if (anchor !== undefined && (pos === line.end || this.text[pos] === '#' || isMap)) giveUp();
      this.record(meta, list.length, -1, pos);
      list.push(isMap ? this.map(pos - line.begin, pos, depth + 1, false) : this.inlineValue(pos, line, indent, depth + 1, false, anchor));
      const next = this.lines[this.i];
      if (!next || next.indent < indent || !this.isDash(next.start, next.end)) return attach(list, meta);
      if (next.indent > indent) giveUp();
    }
  }

  // A value that fits on the rest of its line; a deeper line after it would continue it (or be an error): not ours.
  private inlineValue(pos: number, line: Line, indent: number, depth: number, keepX: boolean, anchor: string | undefined): Value {
    const read = () => this.inlineNode(pos, line.end, depth, keepX);
    const [value, end] = anchor === undefined ? read() : this.anchored(anchor, { kind: 'inline', at: pos, end: line.end }, read);
    this.endLine(end, line, indent);
    return value;
  }

  // After a node that ends at `end`: only a comment may follow on its line, and no deeper line after it.
  private endLine(end: number, line: Line, indent: number): void {
    const after = skipSpaces(this.text, end, line.end);
    if (after < line.end && !(this.text[after] === '#' && after > end)) giveUp();
    this.i++;
    const next = this.lines[this.i];
    if (next && next.indent > indent) giveUp();
  }

  // `key:` (plain or quoted) at `pos`, when the line holds one; the colon must be followed by a space or the end.
  // A plain `<<` is a merge key.
  private key(pos: number, end: number): { text: string; at: number; colonEnd: number; merge: boolean } | undefined {
    const c = this.text[pos] as string;
    if (c === '"' || c === "'") {
      const [text, after] = quotedText(this.text, pos, end);
      const colon = skipSpaces(this.text, after, end);
      if (this.text[colon] !== ':' || !(colon + 1 === end || this.text[colon + 1] === ' ')) return undefined;
      if (colon - pos > 1000) giveUp();
      return { text, at: pos, colonEnd: colon + 1, merge: false };
    }
    if (INDICATORS.has(c)) return undefined;
    const colon = findIn(this.text, /:(?: |$)/, pos, end);
    if (colon === -1) return undefined;
    // YAML caps implicit keys at 1024 characters; the yaml package reports longer ones.
    if (colon - pos > 1000) giveUp();
    const raw = this.text.slice(pos, colon);
    // Keys with comments, quotes or flow characters in them are legal but rare.
    if (/[#"'[\]{},]/.test(raw)) giveUp();
    const text = raw.trimEnd();
    return { text, at: pos, colonEnd: colon + 1, merge: text === '<<' };
  }
}
