// Seeded random mutations of YAML texts, shared by the fuzz test and the fast-reader comparison.

/** A seeded PRNG (mulberry32): the same sequence on every machine. */
export function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T };
}
export type Rng = ReturnType<typeof rng>;

// Texts are latin1 strings, one character per byte, so random bytes (invalid UTF-8 included) reach the file as is.
const VALUES = ['null', '~', '[]', '{}', '-1', '0', 'true', '"str"', "''", '1e400', '-1e400', '9'.repeat(400), '0x' + 'f'.repeat(40), '.inf', '.nan', '*nope', '&a x', '!!binary aGk=', '!tag x', '[a, [b, {c: d}]]', '{a: 1, a: 2}', '${X}', '${X:?gone}', '${', '$$', '|\n  block', '>-', '"\\u0000"'];
// Past 64 levels the loader refuses; past ~900 the yaml parser itself runs out of stack (and must say so, not throw).
const DEPTHS = [10, 65, 100, 300, 1200];
const TOKENS = ['---\n', '? ', '&a ', '*a', '!!', '{', '}', '[', ']', '"', "'", '|', '>', '<<: *a\n', '${', '$${', '\t', '#', ': ', '- ', '\n', '%YAML 1.1\n', '\u0000', '\u00ff'];

const MUTATIONS: ((text: string, r: Rng) => string)[] = [
  (t, r) => lines(t, (ls) => ls.splice(r.int(ls.length), 1)),
  (t, r) => lines(t, (ls) => { const i = r.int(ls.length); ls.splice(i, 0, ls[i] ?? ''); }),
  (t, r) => lines(t, (ls) => { const i = r.int(ls.length); const j = r.int(ls.length); [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? '']; }),
  (t, r) => lines(t, (ls) => { const i = r.int(ls.length); ls[i] = (ls[i] ?? '').replace(/: .*$/, `: ${r.pick(VALUES)}`); }),
  (t, r) => insert(t, r, Array.from({ length: 1 + r.int(20) }, () => String.fromCharCode(r.int(256))).join('')),
  (t, r) => insert(t, r, r.pick(TOKENS)),
  (t, r) => { const n = r.pick(DEPTHS); return `${t}\nsandbox: { metadata: { deep: ${'['.repeat(n)}${']'.repeat(r.int(2) ? n : 0)} } }\n`; },
  (t, r) => { const n = r.pick(DEPTHS); return `${t}\nsandbox:\n  metadata:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(4 + 2 * i)}k${i}:`).join('\n')}\n`; },
  (t, r) => t.replace(/\b\d+\b/g, () => r.pick(['1e400', '9'.repeat(40), '-0', '65536', '0', '3.5', '0x10'])),
  (t, r) => t.slice(0, r.int(t.length + 1)),
  (t, r) => lines(t, (ls) => { const i = r.int(ls.length); ls[i] = r.int(2) ? ` ${ls[i]}` : (ls[i] ?? '').replace(/^ /, ''); }),
  (t, r) => insert(t, r, 'a'.repeat(20_000 + r.int(80_000))),
  (t) => `x-a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nx-b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nx-c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nsandbox: { metadata: { lol: [*c, *c, *c, *c] } }\n${t}`,
  (t, r) => lines(t, (ls) => { const i = r.int(ls.length); ls[i] = (ls[i] ?? '').replace(/(\w+):/, (_, k: string) => `${k.slice(0, -1) || 'x'}${r.pick(['', '_', '-', 'e'])}:`); }),
];

function lines(text: string, edit: (lines: string[]) => void): string {
  const list = text.split('\n');
  edit(list);
  return list.join('\n');
}

function insert(text: string, r: Rng, what: string): string {
  const at = r.int(text.length + 1);
  return text.slice(0, at) + what + text.slice(at);
}

/** Applies one to three random mutations. */
export function mutate(text: string, r: Rng): string {
  let out = text;
  for (let n = 1 + r.int(3); n > 0; n--) out = r.pick(MUTATIONS)(out, r);
  return out;
}

