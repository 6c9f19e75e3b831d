// `replicas: N` (or `--scale NAME=N`): a unit of the file becomes N units `NAME-1` … `NAME-N`, each with its own port
// and REPLICA index, and the needs that name it are rewritten to name its replicas.
import { replicaName } from '../contract/replicas.js';
import type { HealthCheck, Need, UnitSpec } from '../contract/unit.js';
import { at, atKey, type Context } from './context.js';
import { valueAt } from './located.js';
import { dotted } from './schema.js';
import { needLoc, type UnitDraft } from './units.js';

/** The variable that tells a replica which one it is (1 … N). */
export const REPLICA_ENV = 'REPLICA';

/** How many replicas each unit runs that has a count: `scale` (from `--scale`) over the file's `replicas`. */
export function replicaCounts(drafts: Map<string, UnitDraft>, scale: Readonly<Record<string, number>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [name, draft] of drafts) {
    const count = Object.hasOwn(scale, name) ? scale[name] : draft.replicas;
    if (count !== undefined) counts.set(name, count);
  }
  return counts;
}

/**
 * The drafts with every counted unit expanded into its replicas (in file order) and every need rewritten to real
 * names. Clashing names, ports past 65535 and needs on a unit with no replicas are reported.
 */
export function expandReplicas(drafts: Map<string, UnitDraft>, names: ReadonlySet<string>, counts: ReadonlyMap<string, number>, ctx: Context): Map<string, UnitDraft> {
  if (counts.size === 0) return drafts;
  const expanded = new Map<string, UnitDraft>();
  for (const [name, draft] of drafts) {
    const needs = rewriteNeeds(draft, counts, ctx);
    const count = counts.get(name);
    if (count === undefined) {
      expanded.set(name, { ...draft, spec: { ...draft.spec, needs } });
      continue;
    }
    const port = draft.spec.port;
    if (port !== undefined && port + count - 1 > 65535) {
      ctx.diags.error(replicasLoc(draft, ctx), `${dotted(draft.keys)}: ${count} replicas from port ${port} would need ports past 65535`);
      continue;
    }
    for (let index = 1; index <= count; index++) {
      const replica = replicaDraft(draft, index, needs, names, ctx);
      if (replica) expanded.set(replica.spec.name, replica);
    }
  }
  return expanded;
}

// Replica `index` of the draft, or undefined (reported) when its name or port cannot be had.
function replicaDraft(draft: UnitDraft, index: number, needs: Record<string, Need>, names: ReadonlySet<string>, ctx: Context): UnitDraft | undefined {
  const base = draft.spec;
  const name = replicaName(base.name, index);
  if (names.has(name)) {
    ctx.diags.error(replicasLoc(draft, ctx), `${dotted(draft.keys)}: replica \`${name}\` has the name of another unit; rename one of them`);
    return undefined;
  }
  const offset = index - 1;
  const spec: UnitSpec = { ...base, name, env: { ...base.env, [REPLICA_ENV]: String(index) }, needs };
  if (base.port !== undefined) spec.port = base.port + offset;
  if (base.healthCheck) spec.healthCheck = shiftedCheck(base.healthCheck, offset);
  return { ...draft, spec, replicaOf: base.name };
}

// Each replica listens on its own port, so a TCP check (a service's health_port) follows it.
function shiftedCheck(check: HealthCheck, offset: number): HealthCheck {
  return check.type === 'tcp' ? { ...check, port: check.port + offset } : check;
}

// A need on a replicated unit is a need on each replica; `started` is met by any one of them.
function rewriteNeeds(draft: UnitDraft, counts: ReadonlyMap<string, number>, ctx: Context): Record<string, Need> {
  const needs: Record<string, Need> = {};
  for (const [name, need] of Object.entries(draft.spec.needs)) {
    const count = counts.get(name);
    if (count === undefined) {
      needs[name] = need;
      continue;
    }
    if (count === 0) {
      ctx.diags.error(needLoc(draft, name, ctx), `\`${draft.spec.name}\` needs \`${name}\`, which has replicas: 0`);
      continue;
    }
    for (let index = 1; index <= count; index++) {
      needs[replicaName(name, index)] = need.condition === 'started' ? { ...need, any: name } : need;
    }
  }
  return needs;
}

// At `replicas:` when the file has it, else at the unit's name (the count came from --scale).
function replicasLoc(draft: UnitDraft, ctx: Context) {
  const keys = [...draft.keys, 'replicas'];
  return valueAt(ctx.doc, keys) === undefined ? atKey(ctx, draft.keys) : at(ctx, keys);
}
