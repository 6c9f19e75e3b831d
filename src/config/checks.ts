// Checks across units: needs that name nothing, cycles, a strict port asked for twice, and `completed` on a unit
// that never completes.
import { findCycles } from '../contract/graph.js';
import { at, type Context } from './context.js';
import { didYouMean } from './suggest.js';
import { needLoc, type UnitDraft } from './units.js';

// Suggestions cost a scan of every name; past this many unknown needs, the file is likely generated and wrong
// wholesale, and suggestions would make the check quadratic.
const MAX_SUGGESTIONS = 50;

/**
 * Reports every problem between the units of the file (before replicas are expanded). `names` holds every unit name
 * in the file, also of units that failed.
 */
export function checkUnits(drafts: Map<string, UnitDraft>, names: Set<string>, ctx: Context): void {
  checkNeedsExist(drafts, names, ctx);
  checkCycles(drafts, ctx);
  checkCompletedNeeds(drafts, ctx);
}

function checkNeedsExist(drafts: Map<string, UnitDraft>, names: Set<string>, ctx: Context): void {
  let suggestions = 0;
  for (const draft of drafts.values()) {
    for (const need of Object.keys(draft.spec.needs)) {
      if (names.has(need)) continue;
      const hint = suggestions++ < MAX_SUGGESTIONS ? didYouMean(need, names) : '';
      ctx.diags.error(needLoc(draft, need, ctx), `\`${draft.spec.name}\` needs \`${need}\`, which is not a server or service${hint}`);
    }
  }
}

function checkCycles(drafts: Map<string, UnitDraft>, ctx: Context): void {
  const units = new Map([...drafts].map(([name, draft]) => [name, draft.spec]));
  for (const cycle of findCycles(units)) {
    const [first, second] = cycle as [string, string];
    const draft = drafts.get(first);
    if (!draft) continue;
    ctx.diags.error(needLoc(draft, second, ctx), cycle.length === 2 ? `\`${first}\` needs itself` : `needs form a cycle: ${cycle.join(' → ')}`);
  }
}

/**
 * A strict port fails when taken, so two units asking for one port conflict as soon as either of them is strict.
 * Run on the units as they will run (replicas expanded, each with its own port).
 */
export function checkStrictPorts(drafts: Map<string, UnitDraft>, ctx: Context): void {
  const byPort = new Map<number, UnitDraft>();
  for (const draft of drafts.values()) {
    const { port, strictPort, name } = draft.spec;
    if (port === undefined) continue;
    const other = byPort.get(port);
    if (!other) {
      byPort.set(port, draft);
      continue;
    }
    if (strictPort || other.spec.strictPort) {
      const strict = strictPort ? name : other.spec.name;
      ctx.diags.error(at(ctx, [...draft.keys, 'port']), `port ${port} is also asked for by \`${other.spec.name}\`, and \`${strict}\` has strict_port: one of them would fail to start`);
    }
    if (strictPort && !other.spec.strictPort) byPort.set(port, draft);
  }
}

function checkCompletedNeeds(drafts: Map<string, UnitDraft>, ctx: Context): void {
  for (const draft of drafts.values()) {
    for (const [need, { condition }] of Object.entries(draft.spec.needs)) {
      if (condition !== 'completed' || drafts.get(need)?.spec.restartPolicy !== 'always') continue;
      ctx.diags.error(
        at(ctx, [...draft.keys, 'needs', need, 'condition']),
        `\`${draft.spec.name}\` waits for \`${need}\` to complete, but \`${need}\` has restart_policy \`always\` and never completes`,
      );
    }
  }
}
