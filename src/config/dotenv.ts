// A .env parser that reports bad lines with their position (node:util parseEnv silently skips them).

/** A line of a .env file that does not parse, at a character offset in the file. */
export interface DotenvProblem {
  offset: number;
  message: string;
}

/** The variables of a .env file, in file order (a later line wins), and every problem found. */
export interface Dotenv {
  vars: Record<string, string>;
  problems: DotenvProblem[];
}

const KEY = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

/**
 * Parses `KEY=value` lines: `export ` prefixes, `#` comments (whole-line, or after a space in an unquoted value),
 * single quotes (literal), double quotes (\n \t \\ \" escapes) and backticks, quoted values spanning lines.
 */
export function parseDotenv(text: string): Dotenv {
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: DotenvProblem[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    i = skipBlanks(text, i);
    const lineEnd = endOfLine(text, i);
    if (i >= text.length) break;
    if (text[i] === '\n' || text[i] === '\r' || text[i] === '#') {
      i = lineEnd + 1;
      continue;
    }
    const start = i;
    if (text.startsWith('export', i) && /[ \t]/.test(text[i + 6] ?? '')) i = skipBlanks(text, i + 6);
    KEY.lastIndex = i;
    const key = KEY.exec(text)?.[0];
    const afterKey = skipBlanks(text, i + (key?.length ?? 0));
    if (!key || text[afterKey] !== '=') {
      problems.push({ offset: start, message: lineProblem(text.slice(start, lineEnd), key) });
      i = lineEnd + 1;
      continue;
    }
    const parsed = parseValue(text, skipBlanks(text, afterKey + 1));
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      i = lineEnd + 1;
      continue;
    }
    vars[key] = parsed.value;
    i = endOfLine(text, parsed.end) + 1;
  }
  return { vars, problems };
}

function parseValue(text: string, i: number): { value: string; end: number } | { problem: DotenvProblem } {
  const quote = text[i];
  if (quote === '"' || quote === "'" || quote === '`') {
    let value = '';
    for (let j = i + 1; j < text.length; j++) {
      const c = text[j] as string;
      if (c === quote) return { value, end: j + 1 };
      if (c === '\\' && quote === '"' && j + 1 < text.length) {
        const next = text[++j] as string;
        value += ESCAPES[next] ?? `\\${next}`;
      } else {
        value += c;
      }
    }
    return { problem: { offset: i, message: `unclosed ${quote} quote` } };
  }
  const end = endOfLine(text, i);
  let raw = text.slice(i, end);
  const comment = raw.search(/[ \t]#/);
  if (comment !== -1) raw = raw.slice(0, comment);
  else if (raw.startsWith('#')) raw = '';
  return { value: raw.replace(/\r$/, '').trim(), end };
}

function lineProblem(line: string, key: string | undefined): string {
  const eq = line.indexOf('=');
  if (eq > 0 && !key) return `\`${line.slice(0, eq).trim()}\` is not a valid variable name (letters, digits and _, not starting with a digit)`;
  return key ? `expected \`=\` after \`${key}\` (lines are KEY=VALUE)` : 'expected KEY=VALUE';
}

function skipBlanks(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

function endOfLine(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl === -1 ? text.length : nl;
}
