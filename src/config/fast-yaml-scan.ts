// Character-level scanning for the fast YAML reader: quoted and plain scalars, spaces, and giving up.

/** Thrown (and caught by fastRead) when the text leaves the subset the fast reader handles. */
export const GIVE_UP = new Error('outside the fast YAML subset');

/** Abandons the fast reader for this text. */
export function giveUp(): never {
  throw GIVE_UP;
}

/** Characters that may not start a plain scalar or a key (`-` may, when a non-space follows). */
export const INDICATORS: ReadonlySet<string> = new Set([...'-?:,[]{}#&*!|>\'"%@`']);
const FLOW_STOP = new Set([...',[]{}']);
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', e: '\x1b', a: '\x07', v: '\v' };

/** The first offset at or after `pos` that is not a space (at most `end`). */
export function skipSpaces(text: string, pos: number, end: number): number {
  while (pos < end && text.charCodeAt(pos) === 0x20) pos++;
  return pos;
}

/** Where `pattern` first matches in text[pos, end), or -1. Searching one line only: searching the rest of the text
 *  from every scalar made big files quadratic. */
export function findIn(text: string, pattern: RegExp, pos: number, end: number): number {
  const at = text.slice(pos, end).search(pattern);
  return at === -1 ? -1 : pos + at;
}

/** A quoted scalar starting at `pos` and closing on the same line: its text, and the offset after the quote. */
export function quotedText(text: string, pos: number, end: number): [string, number] {
  const quote = text[pos];
  let value = '';
  for (let j = pos + 1; j < end; j++) {
    const c = text[j] as string;
    if (c === quote) {
      if (quote === "'" && text[j + 1] === "'") {
        value += "'";
        j++;
        continue;
      }
      return [value, j + 1];
    }
    if (c === '\\' && quote === '"') {
      const [decoded, next] = escape(text, j, end);
      value += decoded;
      j = next;
    } else value += c;
  }
  return giveUp();
}

function escape(text: string, j: number, end: number): [string, number] {
  const c = text[j + 1] as string;
  const simple = ESCAPES[c];
  if (simple !== undefined) return [simple, j + 1];
  const digits = c === 'x' ? 2 : c === 'u' ? 4 : 0;
  const hex = text.slice(j + 2, j + 2 + digits);
  if (digits === 0 || j + 2 + digits > end || !/^[0-9a-fA-F]+$/.test(hex)) giveUp();
  return [String.fromCharCode(parseInt(hex, 16)), j + 1 + digits];
}

/** A plain scalar inside a flow collection: it ends at `,` `[` `]` `{` `}`, at `: ` (or `:` before those), at ` #`. */
export function flowPlainText(text: string, pos: number, end: number): [string, number] {
  const c = text[pos] as string;
  if (INDICATORS.has(c) && !(c === '-' && text[pos + 1] !== ' ')) giveUp();
  let j = pos;
  while (j < end && !FLOW_STOP.has(text[j] as string) && !(text[j] === ':' && /[ ,\]}]/.test(text[j + 1] ?? ' ')) && !(text[j] === '#' && text[j - 1] === ' ')) j++;
  const value = text.slice(pos, j).trimEnd();
  if (value === '') giveUp();
  return [value, pos + value.length];
}

// Where the yaml package's lexer ends an anchor's or alias's name (in block context too).
const NAME_END = new Set([...' ,[]{}']);

/**
 * The name of the anchor (`&name`) or alias (`*name`) at `pos`, and the offset after it. Names of other characters
 * than letters, digits, `_`, `.` and `-` are legal but rare, and left to the yaml package.
 */
export function propName(text: string, pos: number, end: number): [string, number] {
  let j = pos + 1;
  while (j < end && !NAME_END.has(text[j] as string)) j++;
  const name = text.slice(pos + 1, j);
  if (!/^[\w.-]+$/.test(name)) giveUp();
  return [name, j];
}
