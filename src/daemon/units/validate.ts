// Checks a batch of unit specs against each other and the units that exist, before anything changes. Each spec's own
// shape (names, paths, values) and the batch's unique names were checked once, at the daemon's door.
import { PROJECT_LABEL, type UnitSpec } from '../../contract/unit.js';
import { findCycles } from '../../contract/graph.js';
import { badRequest, conflict } from '../errors.js';

/** Throws a 400 DaemonError for a batch that cannot be applied as a whole, or 409 for another project's unit. */
export function validateBatch(specs: UnitSpec[], existing: ReadonlyMap<string, { spec: UnitSpec }>): void {
  const batch = new Map<string, UnitSpec>();
  for (const spec of specs) {
    batch.set(spec.name, spec);
    const owner = existing.get(spec.name)?.spec.labels[PROJECT_LABEL];
    if (owner !== undefined && owner !== spec.labels[PROJECT_LABEL]) {
      throw conflict(`unit "${spec.name}" belongs to project "${owner}"`);
    }
  }
  for (const spec of specs) {
    for (const need of Object.keys(spec.needs)) {
      if (need === spec.name) throw badRequest(`unit "${spec.name}" needs itself`);
      if (!batch.has(need) && !existing.has(need)) throw badRequest(`unit "${spec.name}" needs unknown unit "${need}"`);
    }
  }
  const merged = new Map<string, UnitSpec>([...[...existing].map(([name, { spec }]) => [name, spec] as const), ...batch]);
  const [cycle] = findCycles(merged, 1);
  if (cycle) throw badRequest(`needs form a cycle: ${cycle.join(' → ')}`);
}
