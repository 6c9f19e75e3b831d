// How a YAML scalar becomes a value: the core schema's reading of plain scalars, and `${VAR}` interpolation.
import { interpolate, type Lookup } from './interpolate.js';
import type { Value } from './located.js';
import type { Loc, Source } from './source.js';

/** Where errors and warnings about scalars go. */
export interface Sink {
  error(loc: Loc, message: string): void;
  warn(loc: Loc, message: string): void;
}

/** What reading a file's scalars needs: the file, where problems go, the variables, and the unset ones warned of. */
export interface ScalarContext {
  source: Source;
  diags: Sink;
  lookup: Lookup;
  /** An unset variable is warned of once per file, not at every use. */
  warnedUnset: Set<string>;
}

/**
 * A string scalar's value, with `${VAR}` interpolated. A plain scalar that held `${` is then read as if its result
 * had been written in place (`port: ${PORT}` is a number); quoted ones stay strings.
 */
export function stringScalar(text: string, start: number, plain: boolean, ctx: ScalarContext): Value {
  if (!text.includes('$')) return text;
  const { value, problems } = interpolate(text, ctx.lookup);
  // Offsets inside the text map onto the file only when the text is written as is (a one-line plain scalar).
  const exact = plain && ctx.source.text.startsWith(text, start);
  for (const problem of problems) {
    const loc = { source: ctx.source, offset: exact ? start + problem.offset : start };
    if (problem.kind === 'error') ctx.diags.error(loc, problem.message);
    else if (problem.name && !ctx.warnedUnset.has(problem.name)) {
      ctx.warnedUnset.add(problem.name);
      ctx.diags.warn(loc, problem.message);
    }
  }
  return plain && text.includes('${') ? coreScalar(value) : value;
}

/**
 * The value of a plain scalar's text: null, a boolean, a number, or else the text itself. An empty text stays an
 * empty string (the caller decides what an empty plain scalar is: YAML says null, an interpolation result says '').
 */
export function coreScalar(text: string): Value {
  if (text === '') return '';
  const c = text.charCodeAt(0);
  // Most scalars are words: skip the regexes unless the first character could start a null, boolean or number.
  if (!(c <= 0x39 || c === 0x7e || 'nNtTfF'.includes(text[0] as string))) return text;
  if (/^(?:~|[Nn]ull|NULL)$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return parseFloat(text);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text[0] === '-' ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}
