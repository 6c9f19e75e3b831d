// The fast YAML reader (src/config/fast-yaml.ts) must read exactly what the yaml package reads — values, positions,
// errors and warnings — whenever it accepts a text, and give up on what it does not handle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mutate, rng } from './mutate.js';
import { expectSame, fastParse } from './yaml-compare.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));

function fixtureTexts(): string[] {
  const texts: string[] = [];
  for (const name of readdirSync(FIXTURES)) {
    const dir = join(FIXTURES, name);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) if (/\.ya?ml$/.test(file)) texts.push(readFileSync(join(dir, file), 'latin1'));
  }
  return texts;
}

// Random documents from a small grammar of keys, values, flow collections and indentation, built from atoms that sit
// on both sides of the subset's edges (`: ` inside values, ` #`, quotes and escapes, indicators, `${}`).
const ATOMS = ['a', 'b1', 'x y', 'k-e', '-k', '--p', ':c', 'a:b', 'a: b', 'a #c', 'a#c', '#c', ' ', '"q"', "'s'", '"a\\"b"', "'it''s'", '"\\x41\\u0042"', '"\\q"', '1', '-1', '0x1', '1.5', '.5', 'true', 'null', '~', '${HOST}', '$$', '{', '}', '[', ']', ',', ':', '- ', '?', '&a', '*a', '!t', '|', '>', '%', '@', '`', '<<', '', 'é', '\\'];
const COMMON = ['a', 'b1', 'x y', '-k', '1', 'true', '"q"', "'s'", '${HOST}', 'a:b', 'k-e', '.5', '~'];

function grammarDoc(r: ReturnType<typeof rng>, atoms: string[]): string {
  const atom = () => r.pick(atoms);
  const value = (depth: number): string => {
    const k = r.int(6);
    if (k === 0 && depth < 3) return `[${Array.from({ length: r.int(4) }, () => value(depth + 1)).join(r.pick([', ', ',', ' , ']))}]`;
    if (k === 1 && depth < 3) return `{${Array.from({ length: r.int(3) }, () => `${atom()}${r.pick([': ', ':', ' : '])}${value(depth + 1)}`).join(r.pick([', ', ',']))}}`;
    return Array.from({ length: 1 + r.int(3) }, atom).join(r.pick(['', ' ']));
  };
  const lines: string[] = [];
  let indent = 0;
  for (let i = 1 + r.int(8); i > 0; i--) {
    indent = Math.max(0, indent + r.pick([-2, 0, 0, 2, 1]));
    const pad = ' '.repeat(indent);
    const key = Array.from({ length: 1 + r.int(2) }, atom).join('');
    lines.push(
      r.pick([
        () => `${pad}- ${value(0)}`,
        () => `${pad}- ${key}: ${value(0)}`,
        () => `${pad}${key}:`,
        () => `${pad}# ${atom()}`,
        () => `${pad}${key}:${r.pick([' ', '  ', ''])}${value(0)}${r.pick(['', ' # c', '#c', '  '])}`,
      ])(),
    );
  }
  return lines.join('\n') + r.pick(['\n', '', '\n\n']);
}

describe('fast YAML reader', () => {
  it.each([
    ['block maps and lists', 'a:\n  b: 1\n  c: [x, y]\nlist:\n  - one\n  - two\n'],
    ['a list at its key’s indentation', 'needs:\n- db\n- cache\nnext: 1\n'],
    ['lists of maps', 'overlays:\n  - source: ./a\n    target: /app\n  -   id: x\n      target: /b\n'],
    ['scalar types', 'a: 1\nb: -2.5\nc: true\nd: ~\ne: null\nf: 0x1F\ng: 0o17\nh: 1e3\ni: .inf\nj: -.INF\nk: 007\nl: +3\nm: text 1\n'],
    ['empty values', 'a:\nb:   # comment\nc: 1\n'],
    ['quoted scalars', `a: "x \\"q\\" \\n \\t \\\\ \\x41 \\u00e9"\nb: 'it''s # not a comment'\n"c d": 1\n'e': 2\n`],
    ['comments everywhere', '# head\na: 1 # tail\n  # indented comment\nb: x#y\n\nc: [1, 2] # after flow\n'],
    ['flow collections', 'a: { b: 1, c: [d, "e", { f: g }], h: -x }\nb: []\nc: {}\nd: [ 1 ,2 ]\n'],
    ['interpolation in values', 'a: http://${HOST}:${PORT}/x\nb: "${MISSING:-d}"\nport: ${PORT}\n'],
    ['plain scalars with punctuation', 'a: echo {a,b} [c] 50%\nb: key:value\nc: --port\nd: -1\ne: a - b\nurl: http://x:1/y?z=1\n'],
    ['numeric and odd keys', '3000: x\ntrue: y\n~: z\nkey : v\n'],
    ['duplicate keys and x- extensions', 'a: 1\na: 2\nx-ext: { q: 1 }\nenvironment: { x-kept: 1 }\n'],
    ['a document indented as a whole', '  a: 1\n  b: 2\n'],
  ])('reads %s as the yaml package does', (_, text) => {
    expect(expectSame(text)).toBe(true);
  });

  it.each([
    ['tags', 'a: !!str 1\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['multi-line quoted scalars', 'a: "one\n  two"\n'],
    ['multi-line flow collections', 'a: [1,\n  2]\n'],
    ['tabs', 'a:\t1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['non-ASCII text', 'a: café\n'],
    ['document markers', '---\na: 1\n'],
    ['complex keys', '? a\n: 1\n'],
    ['a nested mapping on one line', 'a: b: c\n'],
    ['a trailing comma in flow', 'a: [1, 2,]\n'],
    ['an empty flow value', 'a: {b: }\n'],
    ['a bare scalar document', '42\n'],
    ['merge keys', 'a: 1\n<<: { m: 1 }\n'],
    ['an unquoted ${} in flow (the yaml package rejects it)', 'a: [${PORT}]\n'],
    ['nesting past the depth limit', `a: ${'['.repeat(70)}${']'.repeat(70)}\n`],
    ['an empty document', '# nothing\n'],
    ['a key deeper than its siblings', 'a: 1\n  b: 2\n'],
  ])('gives up on %s', (_, text) => {
    expect(fastParse(text)).toBe(false);
  });

  it('reads every fixture file it accepts as the yaml package does, and accepts most of them', () => {
    const texts = fixtureTexts();
    const accepted = texts.filter(expectSame).length;
    expect(accepted).toBeGreaterThan(texts.length / 2);
  });

  it('reads thousands of mutated fixture files it accepts as the yaml package does', () => {
    const r = rng(7);
    const texts = fixtureTexts().filter((t) => fastParse(t));
    let accepted = 0;
    for (let i = 0; i < 3000; i++) if (expectSame(mutate(r.pick(texts), r))) accepted++;
    // Mutations mostly make texts invalid or exotic; enough must stay in the subset for this to mean something.
    expect(accepted).toBeGreaterThan(300);
  });

  it.each([
    ['every atom', ATOMS],
    ['mostly common atoms', [...ATOMS, ...Array.from({ length: 30 }, () => COMMON).flat()]],
  ])('reads random grammar documents (%s) it accepts as the yaml package does', (_, atoms) => {
    const r = rng(atoms.length);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) if (expectSame(grammarDoc(r, atoms))) accepted++;
    expect(accepted).toBeGreaterThan(500);
  });

  it('accepts a generated 2,000-unit file', () => {
    let text = 'servers:\n';
    for (let i = 0; i < 2000; i++) text += `  s${i}:\n    start: node s.js --id ${i}\n    port: ${1024 + i}\n    environment: { ID: "${i}", MODE: dev }\n    needs: [s${Math.max(0, i - 1)}]\n`;
    expect(expectSame(text)).toBe(true);
  });
});
