// The dependency graph over units (src/plan/graph.ts): orders, transitive queries, missing needs and cycles.
import { describe, expect, it } from 'vitest';
import { buildGraph, CycleError, findCycles, type HasNeeds } from '../../src/contract/graph.js';

// Units from a compact table: name → the names it needs.
function units(table: Record<string, string[]>): Record<string, HasNeeds> {
  return Object.fromEntries(Object.entries(table).map(([name, needs]) => [name, { needs: Object.fromEntries(needs.map((n) => [n, {}])) }]));
}

// Seeded PRNG (mulberry32), so a failing random graph can be reproduced.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const diamond = units({ web: ['api', 'auth'], api: ['db'], auth: ['db'], db: [], docs: [] });

describe('buildGraph orders', () => {
  it.each([
    ['no units', {}, []],
    ['independent units keep their order', { b: [], a: [], c: [] }, ['b', 'a', 'c']],
    ['a chain, given dependents first', { c: ['b'], b: ['a'], a: [] }, ['a', 'b', 'c']],
    ['a diamond', { web: ['api', 'auth'], api: ['db'], auth: ['db'], db: [], docs: [] }, ['db', 'docs', 'api', 'auth', 'web']],
  ])('%s', (_, table, order) => {
    const graph = buildGraph(units(table));
    expect(graph.startOrder).toEqual(order);
    expect(graph.stopOrder).toEqual([...order].reverse());
  });

  it('puts every unit after everything it needs, on random acyclic graphs', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = rng(seed);
      const n = 1 + Math.floor(random() * 60);
      const names = Array.from({ length: n }, (_, i) => `u${i}`);
      // Edges only from a higher index to a lower one keep it acyclic; the names are then shuffled.
      const table: Record<string, string[]> = {};
      for (let i = 0; i < n; i++) table[names[i] as string] = names.slice(0, i).filter(() => random() < 0.1);
      const shuffled = Object.fromEntries(Object.entries(table).sort(() => random() - 0.5));
      const order = buildGraph(units(shuffled)).startOrder;
      expect(new Set(order).size).toBe(n);
      const pos = new Map(order.map((name, i) => [name, i]));
      for (const [name, needs] of Object.entries(table)) for (const need of needs) expect(pos.get(need)).toBeLessThan(pos.get(name) as number);
    }
  });

  it('handles a chain of 20,000 needs without recursion (toposort overflows the stack here)', () => {
    const n = 20_000;
    const table: Record<string, HasNeeds> = {};
    for (let i = n - 1; i >= 0; i--) table[`u${i}`] = { needs: i > 0 ? { [`u${i - 1}`]: {} } : {} };
    const graph = buildGraph(table);
    expect(graph.startOrder[0]).toBe('u0');
    expect(graph.startOrder[n - 1]).toBe(`u${n - 1}`);
    expect(graph.transitiveNeeds(`u${n - 1}`)).toHaveLength(n - 1);
    expect(findCycles(table)).toEqual([]);
  });

  it('accepts a Map as well as a record', () => {
    const graph = buildGraph(new Map(Object.entries(diamond)));
    expect(graph.startOrder).toEqual(['db', 'docs', 'api', 'auth', 'web']);
  });
});

describe('buildGraph queries', () => {
  const graph = buildGraph(diamond);

  it.each([
    ['web', ['api', 'auth'], [], ['db', 'api', 'auth'], []],
    ['api', ['db'], ['web'], ['db'], ['web']],
    ['db', [], ['api', 'auth'], [], ['api', 'auth', 'web']],
    ['docs', [], [], [], []],
    ['unknown', [], [], [], []],
  ])('%s: direct and transitive needs and dependents', (name, needs, dependents, allNeeds, allDependents) => {
    expect(graph.needsOf(name)).toEqual(needs);
    expect(graph.dependentsOf(name)).toEqual(dependents);
    expect(graph.transitiveNeeds(name)).toEqual(allNeeds);
    expect(graph.transitiveDependents(name)).toEqual(allDependents);
  });

  it('gives what starting or stopping some units touches, in start order', () => {
    expect(graph.withNeeds(['web'])).toEqual(['db', 'api', 'auth', 'web']);
    expect(graph.withNeeds(['api', 'docs'])).toEqual(['db', 'docs', 'api']);
    expect(graph.withDependents(['auth'])).toEqual(['auth', 'web']);
    expect(graph.withDependents(['db'])).toEqual(['db', 'api', 'auth', 'web']);
    expect(graph.withNeeds(['nope'])).toEqual([]);
  });

  it('leaves needs of units outside the graph out, and lists them', () => {
    const g = buildGraph(units({ web: ['api', 'ghost'], api: [] }));
    expect(g.startOrder).toEqual(['api', 'web']);
    expect(g.missing).toEqual([{ unit: 'web', need: 'ghost' }]);
    expect(g.has('ghost')).toBe(false);
  });
});

describe('cycles', () => {
  it.each([
    ['a unit needing itself', { a: ['a'] }, [['a', 'a']]],
    ['two units', { a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    ['three units, behind an acyclic one', { d: ['a'], a: ['b'], b: ['c'], c: ['a'] }, [['a', 'b', 'c', 'a']]],
    ['two separate cycles', { a: ['b'], b: ['a'], x: ['y'], y: ['x'], ok: [] }, [['a', 'b', 'a'], ['x', 'y', 'x']]],
    ['none', { a: ['b'], b: [] }, []],
  ])('%s', (_, table, cycles) => {
    expect(findCycles(units(table))).toEqual(cycles);
  });

  it('buildGraph throws a CycleError naming the whole path', () => {
    let error: unknown;
    try {
      buildGraph(units({ web: ['api'], api: ['db'], db: ['web'] }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CycleError);
    expect((error as CycleError).cycle).toEqual(['web', 'api', 'db', 'web']);
    expect((error as CycleError).message).toBe('needs form a cycle: web → api → db → web');
  });

  it('stops after `limit` cycles', () => {
    const table: Record<string, string[]> = {};
    for (let i = 0; i < 30; i++) table[`s${i}`] = [`s${i}`];
    expect(findCycles(units(table), 3)).toHaveLength(3);
  });
});
