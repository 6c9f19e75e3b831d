// Anchors, aliases and `<<` merge keys in the fast YAML reader: whatever it accepts it must read exactly as the yaml
// package and parse.ts do (values, positions, errors, warnings, in their order); the rest it must leave to them.
import { describe, expect, it } from 'vitest';
import { anchoredFile } from '../../bench/lib/anchored.mjs';
import { rng } from './mutate.js';
import { expectSame, fastParse } from './yaml-compare.js';

const t = (...lines: string[]) => `${lines.join('\n')}\n`;

// Random documents of anchors, aliases and merges over three names, so that aliases come before, after and inside
// their anchors, anchors are redefined, and merges meet scalars, lists, nulls and maps; mostly valid ones (the three
// names are anchored first), with some errors (unknown anchors, `${` unclosed, duplicate keys) among them.
function anchorDoc(r: ReturnType<typeof rng>): string {
  const name = () => r.pick(['a', 'b', 'c']);
  const inFlow = () => r.pick(['1', 'x', '"q"', '"${HOST}"', '~', 'true', "'s'", '"${NOPE}"']);
  const scalar = () => r.pick([inFlow(), inFlow(), '${HOST}', '${NOPE}', '${BAD']);
  const key = (i: number) => r.pick([`k${i}`, `k${i}`, `j${i}`, 'k', 'x-e', 'environment']);
  const flowMap = () => `{${Array.from({ length: 1 + r.int(3) }, (_, i) => `${key(i)}: ${r.pick([inFlow(), `*${name()}`])}`).join(', ')}}`;
  const flow = (): string => r.pick([flowMap, () => `[${inFlow()}, *${name()}]`, () => `[&${name()} ${inFlow()}, *${name()}]`])();
  const value = (): string => r.pick([scalar, flow, () => `*${name()}`, () => `&${name()} ${r.pick([scalar(), flow()])}`])();
  const lines = [`x-a: &a ${flowMap()}`, r.pick(['x-b: &b', 'x-b: &b # defaults']), '  k: 2', `  m: ${inFlow()}`, `x-c: &c ${r.pick([inFlow(), flowMap(), '[1, 2]'])}`];
  const entries = (pad: string, count: number, depth: number) => {
    for (let i = 0; i < count; i++) {
      const k = r.int(depth < 2 ? 7 : 5);
      const anchor = r.pick(['', '', ` &${name()}`]);
      if (k === 0) lines.push(`${pad}<<: *${name()}`);
      else if (k === 1) lines.push(`${pad}<<: [${Array.from({ length: 1 + r.int(3) }, () => `*${name()}`).join(', ')}]`);
      else if (k < 5) lines.push(`${pad}${key(i)}: ${value()}${r.pick(['', ' # c'])}`);
      else if (k === 5) {
        lines.push(`${pad}${key(i)}:${anchor}`);
        entries(`${pad}  `, 1 + r.int(3), depth + 1);
      } else {
        lines.push(`${pad}${key(i)}:${anchor}`);
        const dash = `${pad}${r.pick(['  ', ''])}- `;
        for (let j = r.int(3); j >= 0; j--) lines.push(`${dash}${value()}`);
      }
    }
  };
  entries('', 2 + r.int(6), 0);
  return t(...lines);
}

describe('fast YAML reader: anchors, aliases and merge keys', () => {
  it.each([
    ['an anchored scalar and its alias', t('a: &x 1', 'b: *x', 'c: [*x, 2]', 'd: {e: *x}', 'l:', '  - *x')],
    ['anchored quoted and interpolated scalars', t(`a: &x "q \\" \${HOST}"`, "b: &y 'it''s'", 'c: &z ${NOPE} and ${HOST:?}', 'd: [*x, *y, *z]', 'e: *z')],
    ['an anchored block map', t('x-base: &base', '  k: 1', '  j: [a, b]', 's:', '  a: *base', '  b:', '    - *base')],
    ['an anchor followed by a comment', t('x-base: &base # the defaults', '  k: 1', 'a: *base # used here')],
    ['an anchored block list, also at its key’s indentation', t('a: &l', '  - 1', '  - 2', 'b: &m', '- 3', 'c: [*l, *m]')],
    ['anchored flow collections and flow items', t('a: &f {k: [&i 1, 2], j: &s x}', 'b: *f', 'c: [*i, *s]', 'd: [&n {z: 1}, *n]')],
    ['anchored list items', t('l:', '  - &a one', '  - &b {k: v}', '  - *a', '  - *b')],
    ['a merge key', t('x-d: &d {restart_policy: always, env: {A: b}}', 's:', '  a:', '    <<: *d', '    cmd: x', '  b:', '    cmd: y', '    <<: *d')],
    ['a list of merge sources, earlier ones winning', t('x-a: &a {k: 1, j: 1}', 'x-b: &b {k: 2, m: 2}', 's:', '  <<: [*a, *b]', '  n: 3')],
    ['own keys winning over merged ones', t('x-a: &a', '  k: 1', '  j: 1', 's:', '  k: own', '  <<: *a', '  j: own too')],
    ['several merge keys in one map', t('x-a: &a {k: 1}', 'x-b: &b {k: 2, j: 2}', 's:', '  <<: *b', '  <<: *a')],
    ['merges inside anchored maps', t('x-a: &a {k: 1}', 'x-b: &b', '  <<: *a', '  j: 2', 's:', '  <<: *b', 'u: *b')],
    ['merges in lists of maps', t('x-a: &a {k: 1}', 'l:', '  - <<: *a', '    j: 2', '  - j: 3', '    <<: *a')],
    ['x- keys of anchored maps, dropped or kept as the alias’s place has them', t('x-e: &e {A: 1, x-b: 2}', 's:', '  environment: *e', '  other: *e', '  env:', '    <<: *e', '  more:', '    <<: *e')],
    ['an unknown alias, as a value, in flow and in a merge', t('a: *nope', 'b: [*nope, 1]', 'c: {d: *nope}', 's:', '  <<: *nope', '  k: 1', 'u:', '  <<: [*nope, *nope]')],
    ['an alias before its anchor', t('a: *x', 'b: &x 1')],
    ['a redefined anchor: each alias takes the last one before it', t('a: &x 1', 'b: *x', 'c: &x 2', 'd: *x', 'e: &x', '  k: 3', 'f: *x')],
    ['aliases inside anchored nodes, resolved where they are written', t('x-b: &b 1', 'x-a: &a {p: *b}', 'x-c: &b 2', 'd: *a', 'e: *b')],
    ['nested anchors, not redefined by their aliases', t('x-a: &a {b: &b 1}', 'x-c: &b 2', 'd: *a', 'e: *b')],
    ['merging a scalar, a list and a null', t('x-s: &s 1', 'x-l: &l [1]', 'x-n: &n ~', 'a:', '  <<: *s', 'b:', '  <<: [*l, *n]', '  k: 1')],
    ['problems inside anchored nodes, reported at each alias', t('x-a: &a', '  k: ${BAD', '  k: 2', '  w: ${NOPE}', 'b: *a', 'c: *a', 'd:', '  <<: *a', '  w: ${NOPE}')],
    ['problems in merge order: own keys first, then the sources', t('x-a: &a', '  w: ${NOPE}', '  e: ${BAD}', 's:', '  <<: *a', '  v: ${NOPE}', '  f: ${BAD')],
    ['duplicate keys beside merge keys', t('x-a: &a {k: 1}', 's:', '  <<: *a', '  k: 2', '  k: 3', '  <<: *a')],
    ['anchor names with dots, dashes and underscores', t('a: &a.b-c_1 1', 'b: *a.b-c_1')],
    ['an alias in a list at its key’s indentation', t('a: &x 1', 'l:', '- *x', '- 2')],
    ['a generated 1 MB file of anchors, aliases and merges', anchoredFile(1_000_000)],
  ])('reads %s as the yaml package does', (_, text) => {
    expect(expectSame(text)).toBe(true);
  });

  it.each([
    ['an alias inside the node it names', t('a: &x {k: *x}')],
    ['a merge of the map it is in', t('a: &x', '  <<: *x')],
    ['an anchor on a key', t('l:', '  - &a k: v')],
    ['an anchored empty value', t('a: &x', 'b: *x')],
    ['an anchored block under a dash', t('l:', '  - &a', '    k: v')],
    ['an anchor on an alias', t('a: &x 1', 'b: &y *x')],
    ['two anchors on a node', t('a: &x &y 1')],
    ['an alias with more after it', t('a: &x 1', 'b: *x 2')],
    ['alias names with other characters', t('a: &x:b 1', 'b: *x:b')],
    ['an anchor glued to a flow item', t('a: [&x, 1]')],
    ['a merge of a flow map', t('a:', '  <<: {k: 1}')],
    ['a merge of a block list', t('x-a: &a {k: 1}', 'b:', '  <<:', '    - *a')],
    ['an empty merge key', t('a:', '  <<:', '  k: 1')],
    ['a merge key in a flow map', t('x-a: &a {k: 1}', 'b: {<<: *a}')],
    ['aliases past the expansion limit', t('x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...Array.from({ length: 9 }, (_, i) => `x-a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`))],
  ])('gives up on %s', (_, text) => {
    expect(fastParse(text)).toBe(false);
  });

  it('reads random documents of anchors, aliases and merges it accepts as the yaml package does', () => {
    const r = rng(13);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) if (expectSame(anchorDoc(r))) accepted++;
    expect(accepted).toBeGreaterThan(2000);
  });
});
