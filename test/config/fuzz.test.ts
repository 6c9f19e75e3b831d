// Seeded fuzzing of the loader: 2,000 random mutations of the valid fixture files (deleted and swapped lines,
// swapped types, random bytes, deep nesting, huge numbers, YAML syntax). loadConfig must always return a Spec or
// errors with positions, never throw nor report an internal error; `compute validate` must never print a stack trace.
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/config/spec.js';
import { tempDir } from '../helpers/tmp.js';
import { captureIO } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const SEED = 20_251_123;
const CASES = 2000;
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

// mulberry32: small, fast, and the same sequence on every machine.
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T };
}
type Rng = ReturnType<typeof rng>;

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

// The valid fixture cases are the starting points; each is copied (with its env files) into a temp folder.
function bases(root: string): { dir: string; text: string }[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.startsWith('valid-'))
    .flatMap((name) => {
      const dir = join(root, name);
      cpSync(join(FIXTURES, name), dir, { recursive: true });
      const file = readdirSync(dir).find((f) => f === 'compute.yaml');
      return file ? [{ dir, text: readFileSync(join(dir, file), 'latin1') }] : [];
    });
}

function mutate(text: string, r: Rng): string {
  let out = text;
  for (let n = 1 + r.int(3); n > 0; n--) out = r.pick(MUTATIONS)(out, r);
  return out;
}

function problemsOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics.flatMap((d) => {
    const ok = typeof d.file === 'string' && Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.col) && d.col >= 1 && d.message.length > 0;
    return ok && !d.message.startsWith('internal error') ? [] : [JSON.stringify(d)];
  });
}

describe('fuzzing the loader', () => {
  it(`returns a Spec or positioned errors for ${CASES} seeded mutations, and never throws`, async () => {
    const r = rng(SEED);
    const starts = bases(tempDir());
    const failures: string[] = [];
    let valid = 0;
    for (let i = 0; i < CASES; i++) {
      const base = r.pick(starts);
      const text = mutate(base.text, r);
      const file = join(base.dir, 'fuzz.yaml');
      writeFileSync(file, text, 'latin1');
      try {
        const result = await loadConfig({ files: [file], cwd: base.dir, env: {} });
        const problems = [...problemsOf(result.errors), ...problemsOf(result.warnings)];
        if (result.spec && result.errors.length > 0) problems.push('a spec with errors');
        if (!result.spec && result.errors.length === 0) problems.push('neither a spec nor errors');
        if (problems.length > 0) failures.push(`case ${i}: ${problems.join('; ')}\n${text.slice(0, 400)}`);
        if (result.spec) valid++;
      } catch (error) {
        failures.push(`case ${i} threw ${String(error)}\n${text.slice(0, 400)}`);
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
    // The mutations must exercise both outcomes, or the test proves little.
    expect(valid).toBeGreaterThan(CASES / 20);
    expect(valid).toBeLessThan(CASES - CASES / 20);
  });

  it('`compute validate` prints errors or ok, never a stack trace (in-process, a sample of 100)', async () => {
    const r = rng(SEED + 1);
    const starts = bases(tempDir());
    for (let i = 0; i < 100; i++) {
      const base = r.pick(starts);
      writeFileSync(join(base.dir, 'fuzz.yaml'), mutate(base.text, r), 'latin1');
      const io = captureIO(base.dir);
      const code = await main(['validate', '-f', 'fuzz.yaml'], io);
      expect([0, 2]).toContain(code);
      expect(io.err()).not.toMatch(STACK);
      expect(io.err()).not.toMatch(/internal error/);
      for (const line of io.err().split('\n').filter(Boolean)) expect(line).toMatch(/^[^:]+:\d+:\d+: /);
      expect(code === 0 ? io.out() : '').toMatch(code === 0 ? /^ok: / : /^$/);
    }
  });

  it('the built CLI, run as a user would, prints no stack trace either', async () => {
    const r = rng(SEED + 2);
    const starts = bases(tempDir());
    for (let i = 0; i < 5; i++) {
      const base = r.pick(starts);
      writeFileSync(join(base.dir, 'fuzz.yaml'), mutate(base.text, r), 'latin1');
      const run = await promisify(execFile)(process.execPath, [BIN, 'validate', '-f', 'fuzz.yaml'], { cwd: base.dir }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect([0, 2]).toContain(run.code);
      expect(run.stderr).not.toMatch(STACK);
      expect(run.code === 0 ? run.stdout : run.stderr).toMatch(run.code === 0 ? /^ok: / : /:\d+:\d+: /);
    }
  });
});
