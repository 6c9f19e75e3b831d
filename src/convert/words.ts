// Command lines between their two forms: a list of words (compose's exec form, a service's cmd + args) and a
// shell string (a server's start, process-compose's command, a Procfile line).

// Words that need no quoting for /bin/sh.
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
// Characters that make a string shell syntax rather than a plain list of words.
const SHELL_SYNTAX = /[|&;<>()$`*?[\]{}~#!\n\\]|^\s*[A-Za-z_][A-Za-z0-9_]*=/;
const SHELLS = new Set(['sh', 'bash', '/bin/sh', '/bin/bash', 'ash', 'zsh', '/bin/ash', '/usr/bin/env sh']);

/** One word quoted for /bin/sh, as little as it needs. */
export function quoteWord(word: string): string {
  if (word === '') return "''";
  return PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A list of words as one shell string; `[sh, -c, SCRIPT]` is just SCRIPT. */
export function wordsToShell(words: readonly string[]): string {
  const [first, second, script, ...rest] = words;
  if (first !== undefined && SHELLS.has(first) && second === '-c' && script !== undefined && rest.length === 0) return script;
  return words.map(quoteWord).join(' ');
}

/**
 * Splits a command line into words as docker compose does for a string `command` (shlex rules: whitespace
 * separates, single quotes are literal, double quotes and backslashes escape), without running a shell.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end === -1 ? text.length : end;
      word = (word ?? '') + text.slice(i + 1, stop);
      i = stop;
    } else if (c === '"') {
      const [inner, stop] = doubleQuoted(text, i + 1);
      word = (word ?? '') + inner;
      i = stop;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

// The text of a double-quoted string starting after its `"`, and the index of its closing `"`.
function doubleQuoted(text: string, from: number): [string, number] {
  let out = '';
  let i = from;
  for (; i < text.length && text[i] !== '"'; i++) {
    if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) i++;
    out += text[i];
  }
  return [out, i];
}

/** A shell string as the words of a program run without a shell: split when it is plain, else `[sh, -c, it]`. */
export function shellToWords(command: string): string[] {
  const trimmed = command.trim();
  // Quoted text is words, not syntax (`nginx -g 'daemon off;'`), unless a double quote holds an expansion.
  const unquoted = trimmed.replace(/'[^']*'/g, "''").replace(/"[^"$`\\]*"/g, '""');
  if (SHELL_SYNTAX.test(unquoted) || /['"]/.test(unquoted.replace(/''|""/g, ''))) return ['sh', '-c', trimmed];
  return splitWords(trimmed);
}
