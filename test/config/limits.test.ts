// The loader's limits (issue 13): each kind of oversized or hostile file is refused with a file:line:col error that
// names its limit, by both readers, before the work it would cost; documents just inside the limits still load.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { MAX_BYTES } from '../../src/config/limits.js';
import { parseYaml } from '../../src/config/parse.js';
import { Diagnostics, Source } from '../../src/config/source.js';
import { readDocument } from '../../src/config/yaml-guard.js';
import { tempDir } from '../helpers/tmp.js';

const Y = createRequire(import.meta.url)('yaml') as typeof import('yaml');
const DEEP = 'values are nested more than 64 levels deep';
const ALIASED = 'aliases expand the document by more than 100,000 values (the limit on aliases and `<<` merges)';

// A "billion laughs" of merge keys: each level merges the one before and lists it 8 times (9^30 values: expanding
// it could not finish, so a test that returns shows the limit was found before any expansion).
function mergeBomb(levels = 30): string {
  let text = 'x-a0: &a0 {k: v}\n';
  for (let i = 1; i < levels; i++) text += `x-a${i}: &a${i}\n  <<: *a${i - 1}\n  l: [${Array(8).fill(`*a${i - 1}`).join(', ')}]\n`;
  return `${text}services:\n  s:\n    cmd: x\n    env:\n      <<: *a${levels - 1}\n`;
}

function laughs(): string {
  let text = 'x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 10; i++) text += `x-a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  return text;
}

const blockNest = (levels: number) => `x-deep:\n${Array.from({ length: levels }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} v\n`;
const dashNest = (levels: number) => `x-deep:\n  ${'- '.repeat(levels)}v\n`;
const flowNest = (levels: number) => `x-deep: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;

// Both readers: the fast one (which leaves what it cannot read to the other) and the yaml package alone.
function parseBoth(text: string) {
  return [true, false].map((fast) => {
    const diags = new Diagnostics();
    parseYaml(new Source('c.yaml', text), () => undefined, diags, { fast });
    return diags.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
  });
}

describe('limits on a compose file', () => {
  it.each([
    ['1 MB of `[`', `services: ${'['.repeat(1_000_000)}\n`, `1:75: ${DEEP}`],
    ['5,000 nested flow maps', `services: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`, `1:267: ${DEEP}`],
    ['1,300 levels of block maps', `services:\n${Array.from({ length: 1300 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n`, `66:66: ${DEEP}`],
    ['5,000 levels of `- - -`', `services:\n  s:\n    cmd:\n      ${'- '.repeat(5000)}x\n`, `4:131: ${DEEP}`],
    ['65 flow levels in an x- key', flowNest(65), `1:73: ${DEEP}`],
    ['65 block levels in an x- key', blockNest(64), `65:68: ${DEEP}`],
    ['65 levels of `- ` in an x- key', dashNest(64), `2:131: ${DEEP}`],
  ])('%s: refused at the node past the depth limit, by both readers', (_, text, expected) => {
    expect(parseBoth(text)).toEqual([[expected], [expected]]);
  });

  it.each([
    ['a merge-key bomb', mergeBomb()],
    // Not under `x-` keys, the fast reader expands aliases (up to the limit) before it gives up to the guarded path.
    ['a merge-key bomb outside x- keys', mergeBomb().replace(/^x-a/gm, 'a')],
    ['billion laughs', laughs()],
  ])('%s: refused at the alias that passes the expansion limit, before expanding anything', async (_, text) => {
    const [fast, slow] = parseBoth(text);
    expect(fast).toEqual(slow);
    expect(fast).toHaveLength(1);
    const [, line, col, message] = /^(\d+):(\d+): (.*)$/.exec(fast?.[0] ?? '') ?? [];
    expect(message).toBe(ALIASED);
    expect(text.split('\n')[Number(line) - 1]?.slice(Number(col) - 1)).toMatch(/^\*a\d+/);
  });

  it('stops the yaml parser at the bracket past the limit, not after the whole text', () => {
    let lexemes = 0;
    // The real package, with a parser that counts the tokens it is given.
    class CountingParser extends Y.Parser {
      override *next(source: string) {
        lexemes++;
        yield* super.next(source);
      }
    }
    const hit = readDocument({ ...Y, Parser: CountingParser } as typeof Y, `a: ${'['.repeat(500_000)}`);
    expect(hit).toEqual({ offset: 3 + 64, message: DEEP });
    expect(lexemes).toBeLessThan(100);
  });

  it.each([
    ['64 flow levels', flowNest(64)],
    ['64 block levels', blockNest(63)],
    ['64 levels of `- `', dashNest(63)],
    ['lists at their key’s column', `x-deep:\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- k:`).join('\n')} v\n`],
    ['brackets in scalars and comments', `x-a: |\n  ${'['.repeat(200)}\nx-b: "${'['.repeat(200)}"\nx-c: a\n  b\n       c ${'['.repeat(200)}\n# ${'['.repeat(200)}\nx-d: &d [1]\nx-e: *d\n`],
  ])('%s: within the limits, read by both readers', (_, text) => {
    expect(parseBoth(text)).toEqual([[], []]);
  });

  it('refuses a file over 8 MiB at its first line, before reading it, and a text over 8 MiB given to the parser', async () => {
    const dir = tempDir();
    const file = join(dir, 'compute.yaml');
    writeFileSync(file, `# ${'x'.repeat(MAX_BYTES)}\n`);
    const { errors } = await loadConfig({ files: [file], cwd: dir, env: {} });
    const message = 'the file is 8,388,611 bytes; a compose file may be at most 8 MiB (8,388,608 bytes)';
    expect(errors).toEqual([{ severity: 'error', file, line: 1, col: 1, message }]);
    // Bytes, not characters: 2-byte characters count twice.
    expect(parseBoth(`# ${'é'.repeat(MAX_BYTES / 2)}\n`)).toEqual([[`1:1: the file is 8,388,611 bytes; a compose file may be at most 8 MiB (8,388,608 bytes)`], [`1:1: the file is 8,388,611 bytes; a compose file may be at most 8 MiB (8,388,608 bytes)`]]);
  });

  it.each([
    ['zero bytes', ''],
    ['only whitespace', '  \n\n   \n'],
    ['only comments', '# nothing yet\n  # still nothing\n'],
    ['a lone null', 'null\n'],
    ['a lone ~', '# empty\n~\n'],
  ])('an empty file (%s) is an error at 1:1, in both readers and in loadConfig', async (_, text) => {
    expect(parseBoth(text)).toEqual([['1:1: the file is empty'], ['1:1: the file is empty']]);
    const dir = tempDir();
    const file = join(dir, 'compute.yaml');
    writeFileSync(file, text);
    const result = await loadConfig({ files: [file], cwd: dir, env: {} });
    expect(result.errors).toEqual([{ severity: 'error', file, line: 1, col: 1, message: 'the file is empty' }]);
    expect(result.spec).toBeUndefined();
  });
});
