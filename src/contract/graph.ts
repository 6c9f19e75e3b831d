// The dependency graph of units by `needs`: start and stop order, transitive needs and dependents, and cycles.
//
// Why not the `toposort` package: it recurses once per unit along a chain of needs, so a chain of ~10,000 units
// overflows the stack (measured: 5,000 passes, 10,000 throws RangeError), and on a cycle it names one unit, not the
// path. Kahn's algorithm and an iterative depth-first search below are O(V+E) with no recursion.

/** Anything that names the units it needs (a UnitSpec, a UnitState's spec, a raw config entry). */
export interface HasNeeds {
  needs: Readonly<Record<string, unknown>>;
}

/** The units given to buildGraph: by name, as a record or a map. */
export type Units = Readonly<Record<string, HasNeeds>> | ReadonlyMap<string, HasNeeds>;

/** The needs form a cycle; `cycle` is its path, first unit repeated at the end (`a → b → a`). */
export class CycleError extends Error {
  constructor(readonly cycle: string[]) {
    super(`needs form a cycle: ${cycle.join(' → ')}`);
    this.name = 'CycleError';
  }
}

/** A dependency graph over units. Every list of names is in start order (a unit after everything it needs). */
export interface DependencyGraph {
  /** Every unit, needs first; among units free to start together, in the order given. */
  readonly startOrder: readonly string[];
  /** The start order reversed: dependents stop before what they need. */
  readonly stopOrder: readonly string[];
  /** Needs that name no unit of the graph (they are left out of it). */
  readonly missing: readonly { unit: string; need: string }[];
  has(name: string): boolean;
  /** The units `name` needs directly. */
  needsOf(name: string): string[];
  /** The units that need `name` directly. */
  dependentsOf(name: string): string[];
  /** Everything `name` needs, directly or through others, without `name`. */
  transitiveNeeds(name: string): string[];
  /** Everything that needs `name`, directly or through others, without `name`. */
  transitiveDependents(name: string): string[];
  /** `names` and everything they need: what starting them starts. */
  withNeeds(names: Iterable<string>): string[];
  /** `names` and everything that needs them: what stopping or replacing them stops. */
  withDependents(names: Iterable<string>): string[];
}

interface Indexed {
  names: string[];
  index: Map<string, number>;
  needs: number[][];
  dependents: number[][];
  missing: { unit: string; need: string }[];
}

function indexUnits(units: Units): Indexed {
  const entries: [string, HasNeeds][] = units instanceof Map ? [...units] : Object.entries(units as Record<string, HasNeeds>);
  const names = entries.map(([name]) => name);
  const index = new Map(names.map((name, i) => [name, i]));
  const needs: number[][] = names.map(() => []);
  const dependents: number[][] = names.map(() => []);
  const missing: { unit: string; need: string }[] = [];
  entries.forEach(([name, unit], i) => {
    for (const need of Object.keys(unit.needs)) {
      const j = index.get(need);
      if (j === undefined) missing.push({ unit: name, need });
      else {
        needs[i]?.push(j);
        dependents[j]?.push(i);
      }
    }
  });
  return { names, index, needs, dependents, missing };
}

/** Builds the graph; throws CycleError (with the whole path) when the needs form a cycle. */
export function buildGraph(units: Units): DependencyGraph {
  const g = indexUnits(units);
  const order = kahn(g);
  if (order.length < g.names.length) throw new CycleError(cyclesOf(g, 1)[0] ?? []);
  const position = new Int32Array(g.names.length);
  order.forEach((node, pos) => (position[node] = pos));
  const inOrder = (nodes: Iterable<number>) => [...nodes].sort((a, b) => (position[a] ?? 0) - (position[b] ?? 0)).map((n) => g.names[n] as string);
  const nodesOf = (names: Iterable<string>) => [...names].flatMap((name) => (g.index.has(name) ? [g.index.get(name) as number] : []));
  const startOrder = order.map((n) => g.names[n] as string);
  return {
    startOrder,
    stopOrder: [...startOrder].reverse(),
    missing: g.missing,
    has: (name) => g.index.has(name),
    needsOf: (name) => inOrder(g.needs[g.index.get(name) ?? -1] ?? []),
    dependentsOf: (name) => inOrder(g.dependents[g.index.get(name) ?? -1] ?? []),
    transitiveNeeds: (name) => inOrder(reach(g.needs, nodesOf([name]), false)),
    transitiveDependents: (name) => inOrder(reach(g.dependents, nodesOf([name]), false)),
    withNeeds: (names) => inOrder(reach(g.needs, nodesOf(names), true)),
    withDependents: (names) => inOrder(reach(g.dependents, nodesOf(names), true)),
  };
}

/** Every cycle found by one depth-first pass (at most `limit`), each as a path with its first unit repeated at the end. */
export function findCycles(units: Units, limit = 10): string[][] {
  return cyclesOf(indexUnits(units), limit);
}

// Kahn's algorithm with a FIFO queue, so units free at the same time keep the order they were given in.
function kahn(g: Indexed): number[] {
  const pending = g.needs.map((list) => list.length);
  const queue: number[] = [];
  pending.forEach((count, node) => count === 0 && queue.push(node));
  for (let head = 0; head < queue.length; head++) {
    for (const dependent of g.dependents[queue[head] as number] ?? []) {
      if (--(pending[dependent] as number) === 0) queue.push(dependent);
    }
  }
  return queue;
}

// Breadth-first search from `starts` along `edges`; the starts themselves are kept only when asked.
function reach(edges: number[][], starts: number[], keepStarts: boolean): Set<number> {
  const seen = new Set<number>(starts);
  const queue = [...seen];
  for (let head = 0; head < queue.length; head++) {
    for (const next of edges[queue[head] as number] ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  // The graph has no cycle, so a start is never its own transitive need: dropping it drops nothing else.
  if (!keepStarts) for (const start of starts) seen.delete(start);
  return seen;
}

// Iterative depth-first search along needs; an edge back to a unit on the current path closes a cycle.
function cyclesOf(g: Indexed, limit: number): string[][] {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Uint8Array(g.names.length);
  const pathPos = new Int32Array(g.names.length).fill(-1);
  const cycles: string[][] = [];
  for (let root = 0; root < g.names.length && cycles.length < limit; root++) {
    if (colour[root] !== WHITE) continue;
    const path: number[] = [root];
    const edgeAt: number[] = [0];
    colour[root] = GREY;
    pathPos[root] = 0;
    while (path.length > 0 && cycles.length < limit) {
      const top = path.length - 1;
      const node = path[top] as number;
      const next = g.needs[node]?.[edgeAt[top] as number];
      if (next === undefined) {
        colour[node] = BLACK;
        pathPos[node] = -1;
        path.pop();
        edgeAt.pop();
        continue;
      }
      edgeAt[top] = (edgeAt[top] as number) + 1;
      if (colour[next] === GREY) {
        cycles.push([...path.slice(pathPos[next]), next].map((n) => g.names[n] as string));
      } else if (colour[next] === WHITE) {
        colour[next] = GREY;
        pathPos[next] = path.length;
        path.push(next);
        edgeAt.push(0);
      }
    }
  }
  return cycles;
}
