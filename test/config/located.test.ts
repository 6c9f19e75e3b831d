// CompactMeta, the positions the fast YAML reader records: it must answer exactly as the two maps it stands for,
// whether it scans its entries (small) or builds the maps (large, or once asked for them), and its copies are its own.
import { describe, expect, it } from 'vitest';
import { CompactMeta, copyValue, entryLoc, attach, locate, metaOf, setEntry, type Meta } from '../../src/config/located.js';
import { Source, type Loc } from '../../src/config/source.js';

const source = new Source('/p/compute.yaml', 'x'.repeat(1000));
const other = new Source('/p/other.yaml', 'y'.repeat(1000));
const loc = (offset: number, from = source): Loc => ({ source: from, offset });

// The same entries recorded in a CompactMeta and in plain maps, as [key, keyOffset (-1: none), valueOffset].
function both(entries: [string | number, number, number][]): { compact: CompactMeta; plain: Meta } {
  const compact = new CompactMeta(loc(0));
  const plain: Meta = { self: loc(0), keys: new Map(), values: new Map() };
  for (const [key, keyOffset, valueOffset] of entries) {
    compact.record(key, keyOffset, valueOffset);
    if (keyOffset >= 0) plain.keys.set(key as string, loc(keyOffset));
    plain.values.set(key, loc(valueOffset));
  }
  return { compact, plain };
}

const many = Array.from({ length: 40 }, (_, i): [string, number, number] => [`k${i}`, i * 10, i * 10 + 4]);

describe('CompactMeta', () => {
  it.each([
    { what: 'a small map', entries: [['a', 1, 4], ['b', 7, 10]] as [string, number, number][] },
    { what: 'a list', entries: [[0, -1, 3], [1, -1, 9]] as [number, number, number][] },
    { what: 'a key written twice (the last wins)', entries: [['a', 1, 4], ['b', 7, 10], ['a', 20, 24]] as [string, number, number][] },
    { what: 'a map larger than the scan limit', entries: many },
  ])('finds what the maps hold, for $what', ({ entries }) => {
    const { compact, plain } = both(entries);
    for (const key of [...entries.map(([key]) => key), 'missing', 99]) {
      expect(entryLoc(compact, key, 'key')).toEqual(entryLoc(plain, key, 'key'));
      expect(entryLoc(compact, key, 'value')).toEqual(entryLoc(plain, key, 'value'));
    }
    expect([...compact.keys]).toEqual([...plain.keys]);
    expect([...compact.values]).toEqual([...plain.values]);
  });

  it('keeps recording into its maps once they are built', () => {
    const { compact } = both([['a', 1, 4]]);
    expect(compact.keys.get('a')).toEqual(loc(1));
    compact.record('b', 7, 10);
    expect(entryLoc(compact, 'b', 'key')).toEqual(loc(7));
    expect(compact.values.get('b')).toEqual(loc(10));
  });

  it('gives copies that record on their own, before and after its maps are built', () => {
    for (const build of [false, true]) {
      const { compact } = both([['a', 1, 4]]);
      if (build) void compact.keys;
      const copy = compact.clone();
      copy.keys.set('b', loc(7));
      compact.record('c', 20, 24);
      expect([...copy.keys.keys()]).toEqual(['a', 'b']);
      expect([...compact.keys.keys()]).toEqual(['a', 'c']);
    }
  });

  it('takes an entry from another file into its maps, not its offsets', () => {
    const { compact } = both([['a', 1, 4]]);
    setEntry(compact, 'b', loc(30, other), loc(34, other));
    setEntry(compact, 'c', loc(40), loc(44));
    expect(entryLoc(compact, 'b', 'key')).toEqual(loc(30, other));
    expect(entryLoc(compact, 'c', 'value')).toEqual(loc(44));
  });

  it('places errors through a copied value as through the original', () => {
    const inner = attach({ port: 3000 }, both([['port', 50, 56]]).compact);
    const doc = attach({ api: inner }, both([['api', 40, 45]]).compact);
    const copy = copyValue(doc);
    expect(metaOf(copy as object)).toBeInstanceOf(CompactMeta);
    for (const at of ['key', 'value'] as const) expect(locate(copy, ['api', 'port'], at)).toEqual(locate(doc, ['api', 'port'], at));
    expect(locate(copy, ['api', 'port'], 'key')).toEqual(loc(50));
  });
});
