// Replicas: a unit with `replicas: N` runs as N units `web-1` … `web-N`, each labelled with the unit it was made from.
// Every layer names units by their real names; these helpers let a person name the unit of the file instead.
import { REPLICA_LABEL, type UnitSpec } from './unit.js';

/** The most replicas one unit may ask for (each is a process, a port and a log). */
export const MAX_REPLICAS = 100;

/** The name of replica `index` (1-based) of `base`. */
export function replicaName(base: string, index: number): string {
  return `${base}-${index}`;
}

/** The unit of the file `spec` was made from: its replica label, or its own name. */
export function baseOf(spec: Pick<UnitSpec, 'name' | 'labels'>): string {
  return spec.labels[REPLICA_LABEL] ?? spec.name;
}

/**
 * Real unit names for names as a person writes them: a unit's own name stays; the name of a replicated unit of the
 * file stands for its replicas, in replica order. A name that matches neither is kept, for the caller to refuse.
 */
export function expandNames(specs: Iterable<Pick<UnitSpec, 'name' | 'labels'>>, names: readonly string[]): string[] {
  const own = new Set<string>();
  const replicas = new Map<string, string[]>();
  for (const spec of specs) {
    own.add(spec.name);
    const base = spec.labels[REPLICA_LABEL];
    if (base !== undefined) replicas.set(base, [...(replicas.get(base) ?? []), spec.name]);
  }
  const expanded = names.flatMap((name) => (own.has(name) ? [name] : (replicas.get(name)?.sort(byReplicaIndex) ?? [name])));
  return [...new Set(expanded)];
}

// `web-2` before `web-10`.
function byReplicaIndex(a: string, b: string): number {
  return replicaIndex(a) - replicaIndex(b) || a.localeCompare(b);
}

function replicaIndex(name: string): number {
  return Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
}
