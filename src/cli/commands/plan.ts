// `compute plan`: what `up` would change, computed against the sandbox's actual state, changing nothing.
import { diff, isEmptyPlan, type ActualState } from '../../plan/diff.js';
import { PlanConflictError } from '../../reconcile/apply.js';
import { observe } from '../../reconcile/observe.js';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { renderPlan } from '../output/plan.js';
import { describeOverlayProblem } from '../output/reason.js';
import { stylerFor } from '../output/style.js';
import { specFor } from '../host.js';
import { checkUnitNames, connectProject, loadProject } from '../project.js';

const HELP = `Usage: compute plan [-f FILE]... [--profile NAME]... [--json] [--exit-code] [NAME...]

Shows what \`compute up\` would do, as a list of changes, without changing anything:
  + web     create
  ~ api     replace (start, environment.DEBUG)     the process restarts
  ~ worker  update (restart_policy)                taken in place, no restart
  > cache   start (status failed)                  unchanged but not running
  - old     remove
  ~ overlay app  sync (3 changed, 1 deleted)       files changed in the overlay's source
  + db      create (needed by api, profile debug not active)
With NAME..., only those units and what they need (nothing is removed); a NAME's profiles are activated.
When the project's daemon is not running, everything is to be created.

Options:
  --json            print the plan as JSON
  --exit-code       exit 0 when there is nothing to do, 3 when changes are pending (for drift checks in CI)
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml,
                    with compute.override.yaml beside it merged over it)
  --profile NAME    activate the units of profile NAME (repeatable; also COMPUTE_PROFILES=a,b; '*' for all)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 done (or no changes with --exit-code); 2 config or usage error; 3 changes pending (--exit-code).
`;

const OPTIONS = { ...PROJECT_OPTIONS, json: { type: 'boolean' }, 'exit-code': { type: 'boolean' } } as const;

/** Prints the plan; with --exit-code, exits 3 when it is not empty. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('plan', args, OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const loaded = await loadProject(values, io, positionals);
  const project = { ...loaded, spec: specFor(loaded.spec) };
  checkUnitNames(project.spec, positionals);
  const client = await connectProject(project, false, undefined, io);
  let actual: ActualState = { units: [], overlays: [] };
  try {
    if (client) actual = await observe(client, project.spec);
  } finally {
    await client?.close();
  }
  const plan = diff(project.spec, actual, positionals.length > 0 ? { only: positionals } : {});
  if (plan.conflicts.length > 0) throw new CLIError(new PlanConflictError(plan.conflicts, actual.units).message, EXIT.usage);
  io.stdout(values.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan, stylerFor(io)));
  for (const overlay of plan.overlays) if (overlay.problem) io.stderr(`warning: ${describeOverlayProblem(overlay.id, overlay.problem)}\n`);
  return values['exit-code'] && !isEmptyPlan(plan) ? EXIT.changes : EXIT.ok;
};
