// `${VAR}` interpolation of YAML string values, as docker compose does it.

/** Looks up a variable; undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

/** A problem found while interpolating, at a character offset in the text. */
export interface InterpolationProblem {
  kind: 'error' | 'unset';
  /** The variable, for `unset` problems. */
  name?: string;
  message: string;
  offset: number;
}

/** The interpolated text, and every problem found. */
export interface Interpolated {
  value: string;
  problems: InterpolationProblem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The operators after a name, longest first: `${A:-x}` must not be read as `${A:` + `-x}`.
const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;
type Operator = (typeof OPERATORS)[number];

/**
 * Replaces `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`,
 * `${VAR+alt}` and `$$` (a literal `$`). Defaults may themselves hold `${...}`. A `$` before anything else is
 * kept as is (so `$HOME` in a shell command reaches the shell). An unset `${VAR}` becomes empty and is reported
 * as `unset`, so the caller can warn, as compose does.
 */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const problems: InterpolationProblem[] = [];
  const value = expand(text, 0, lookup, problems);
  return { value, problems };
}

function expand(text: string, base: number, lookup: Lookup, problems: InterpolationProblem[]): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) break;
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close === -1) {
        problems.push({ kind: 'error', message: 'unclosed `${`: add a `}`, or write `$$` for a literal `$`', offset: base + dollar });
        return out + text.slice(dollar);
      }
      out += substitute(text.slice(dollar + 2, close), base + dollar, base + dollar + 2, lookup, problems);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out + text.slice(i);
}

// Index of the `}` closing a `${` whose body starts at `from`, counting nested `${...}`; -1 when there is none.
function matchingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '$' && text[i + 1] === '$') {
      i++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function substitute(body: string, at: number, bodyAt: number, lookup: Lookup, problems: InterpolationProblem[]): string {
  const { name, operator, argument } = splitBody(body);
  if (!NAME.test(name)) {
    const shown = body.length > 40 ? `${body.slice(0, 40)}…` : body;
    problems.push({ kind: 'error', message: `invalid variable name in \`\${${shown}}\``, offset: at });
    return '';
  }
  const value = lookup(name);
  const argumentValue = () => expand(argument, bodyAt + name.length + (operator?.length ?? 0), lookup, problems);
  switch (operator) {
    case undefined:
      if (value === undefined) problems.push({ kind: 'unset', name, message: `variable \`${name}\` is not set; using an empty string`, offset: at });
      return value ?? '';
    case ':-':
      return value ? value : argumentValue();
    case '-':
      return value ?? argumentValue();
    case ':+':
      return value ? argumentValue() : '';
    case '+':
      return value !== undefined ? argumentValue() : '';
    case ':?':
    case '?': {
      const missing = operator === ':?' ? !value : value === undefined;
      if (!missing) return value ?? '';
      const message = argumentValue();
      problems.push({ kind: 'error', message: `required variable \`${name}\` is ${value === undefined ? 'not set' : 'empty'}${message ? `: ${message}` : ''}`, offset: at });
      return '';
    }
  }
}

function splitBody(body: string): { name: string; operator?: Operator; argument: string } {
  const match = /^[A-Za-z0-9_]*/.exec(body);
  const name = match ? match[0] : '';
  const rest = body.slice(name.length);
  if (rest === '') return { name, argument: '' };
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  // Anything else after the name (`${A B}`, `${A.b}`) is not a name we can look up.
  if (!operator) return { name: body, argument: '' };
  return { name, operator, argument: rest.slice(operator.length) };
}
