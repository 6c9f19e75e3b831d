// `compute up`: apply compute.yaml to the project's sandbox, then follow the logs, or return (-d), or keep
// re-applying on every save (--watch).
import type { Spec } from '../../config/index.js';
import { PROJECT_LABEL } from '../../model/unit.js';
import { apply, PlanConflictError, type ApplyResult } from '../../reconcile/apply.js';
import { acquireLock } from '../../reconcile/lock.js';
import { UnitTracker } from '../../reconcile/track.js';
import { Coalescer, watchFiles, type FileWatch } from '../../reconcile/watch.js';
import type { SandboxClient } from '../../sdk/index.js';
import { parseCommandArgs, parseNonNegativeInt, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { CliIO, Command } from '../io.js';
import { followLogs } from '../output/logs.js';
import { failureLogs, outcomeJson, renderOutcome } from '../output/outcome.js';
import { progressPrinter } from '../output/progress.js';
import { stylerFor } from '../output/style.js';
import { checkUnitNames, connectProject, loadProject, type Project } from '../project.js';
import { loadChecked } from './validate.js';

const DEFAULT_TIMEOUT_MS = 300_000;

const HELP = `Usage: compute up [-f FILE]... [-d] [--watch] [--json] [--timeout MS] [NAME...]

Makes the project's sandbox match compute.yaml: plans against what runs, applies only the difference (units
start as soon as their own needs are met), and waits until every unit is ready or completed.

  (default)      show progress, then follow the logs of all units; Ctrl-C stops the stack gracefully
                 (dependents first) and exits 130; a second Ctrl-C exits at once
  -d, --detach   return once every unit is ready or completed; the stack keeps running
  --watch        re-apply on every save of the compose files, their env_files and .env; an invalid edit
                 changes nothing that runs
  --json         print the outcome as JSON (per unit: name, kind, action, status)
  --timeout MS   how long to wait for the units to settle (default ${DEFAULT_TIMEOUT_MS})
  NAME...        only these units and what they need
  -f, --file     a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir    where the project's sandbox lives (default .compute/ beside the first file)

Exit codes: 0 done; 1 a unit failed or the timeout passed; 2 config or usage error; 130 interrupted.
`;

const OPTIONS = {
  ...PROJECT_OPTIONS,
  detach: { type: 'boolean', short: 'd' },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

interface UpOptions {
  files: string[];
  only: string[];
  timeoutMs: number;
  json: boolean;
  detach: boolean;
  watch: boolean;
}

/** Applies the config; see HELP. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('up', args, OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const options: UpOptions = {
    files: values.file ?? [],
    only: positionals,
    timeoutMs: parseNonNegativeInt('timeout', values.timeout) ?? DEFAULT_TIMEOUT_MS,
    json: values.json ?? false,
    detach: values.detach ?? false,
    watch: values.watch ?? false,
  };
  const project = await loadProject(values, io);
  checkUnitNames(project.spec, options.only);
  const client = await connectProject(project, true);
  try {
    const startedAt = Date.now();
    const first = await applyAndReport(client, project, project.spec, io, options, io.isTTY && !options.json);
    if (io.signal?.aborted) return await interrupted(client, project.spec, io, options);
    if (options.detach && !options.watch) return first.ok ? EXIT.ok : EXIT.failed;
    return await stay(client, project, io, options, startedAt);
  } finally {
    await client.close();
  }
};

// One apply under the project's lock, with progress while it runs and the outcome after it.
async function applyAndReport(client: SandboxClient, project: Project, spec: Spec, io: CliIO, options: UpOptions, live: boolean): Promise<ApplyResult> {
  const style = stylerFor(io);
  const progress = options.json ? undefined : progressPrinter(io, style, live);
  const release = await acquireLock(project.lockPath, {
    command: 'compute up',
    timeoutMs: options.timeoutMs,
    onWait: (owner) => io.stderr(`waiting for another apply of this project to finish (pid ${owner.pid})...\n`),
  });
  let result: ApplyResult;
  try {
    result = await apply(client, spec, {
      ...(options.only.length > 0 ? { only: options.only } : {}),
      timeoutMs: options.timeoutMs,
      onPlan: (plan) => progress?.plan(plan),
      onEvent: (event, state) => progress?.event(event, state),
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } catch (error) {
    if (error instanceof PlanConflictError) throw new CLIError(error.message, EXIT.usage);
    throw error;
  } finally {
    progress?.end();
    await release();
  }
  if (io.signal?.aborted) return result;
  io.stdout(options.json ? outcomeJson(result) : renderOutcome(result, style, options.timeoutMs));
  if (!result.ok) io.stderr(await failureLogs(client, result, style));
  return result;
}

// After the first apply: follow logs (foreground), re-apply on saves (--watch), until Ctrl-C or every unit exited.
async function stay(client: SandboxClient, project: Project, io: CliIO, options: UpOptions, since: number): Promise<number> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  let spec = project.spec;
  const scope = () => (options.only.length > 0 ? options.only : Object.keys(spec.units));
  const follower = options.detach ? undefined : followLogs(client, io, scope(), { stream: 'combined', since, signal: stop.signal, keepOpen: options.watch });
  let watch: FileWatch | undefined;
  const reapply = new Coalescer(async () => {
    const next = await reload(options.files, io);
    if (!next) return;
    spec = next;
    await applyAndReport(client, project, spec, io, options, false);
    for (const name of scope()) follower?.add(name);
    await watch?.setFiles(spec.inputs);
  });
  try {
    if (options.watch) {
      watch = await watchFiles(spec.inputs, (changed) => {
        io.stderr(`change detected in ${changed.join(', ')}; re-applying\n`);
        reapply.trigger();
      });
      io.stderr(`watching ${spec.inputs.length} file${spec.inputs.length === 1 ? '' : 's'} for changes (Ctrl-C to stop)\n`);
    }
    const exitedOnTheirOwn = await untilAllExited(client, () => scope(), options.watch || options.detach, stop.signal);
    if (exitedOnTheirOwn) return exitedOnTheirOwn;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await watch?.close();
    await reapply.idle();
    stop.abort();
    await follower?.done;
  }
  return interrupted(client, spec, io, options);
}

// Foreground without --watch ends when every unit has exited (as compose does): 0 if all completed, else 1.
async function untilAllExited(client: SandboxClient, scope: () => string[], never: boolean, signal: AbortSignal): Promise<number | undefined> {
  const tracker = await UnitTracker.subscribe(client, signal);
  const exited = new Set(['completed', 'failed', 'stopped']);
  const done = await tracker.until((t) => !never && scope().every((name) => exited.has(t.get(name)?.status ?? 'pending')), undefined, signal);
  if (!done) return undefined;
  return scope().every((name) => tracker.get(name)?.status === 'completed') ? EXIT.ok : EXIT.failed;
}

// Ctrl-C: in the foreground the stack is stopped gracefully (dependents first); with -d it keeps running.
async function interrupted(client: SandboxClient, spec: Spec, io: CliIO, options: UpOptions): Promise<number> {
  if (options.detach) return EXIT.interrupted;
  io.stderr('Gracefully stopping... (press Ctrl-C again to force)\n');
  const names = (await client.units()).filter((unit) => unit.spec.labels[PROJECT_LABEL] === spec.name).map((unit) => unit.name);
  if (names.length > 0) await client.stopUnits(names);
  io.stderr(`stopped ${names.length} unit${names.length === 1 ? '' : 's'}\n`);
  return EXIT.interrupted;
}

// A reload for --watch: an invalid edit prints its errors and changes nothing that runs.
async function reload(files: string[], io: CliIO): Promise<Spec | undefined> {
  try {
    const result = await loadChecked(files, io);
    if (!result.spec) io.stderr('the config has errors; nothing was changed. Waiting for the next save.\n');
    return result.spec;
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}; nothing was changed\n`);
    return undefined;
  }
}
