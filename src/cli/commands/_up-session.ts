// The body of `compute up` (see ./up.ts for its arguments): load the project, connect to its daemon, apply, then
// follow the logs, return, or re-apply on every save.
import type { Spec } from '../../config/index.js';
import { daemonFiles } from '../../contract/discovery.js';
import { AT_REST_STATUSES } from '../../contract/status.js';
import { expandNames } from '../../contract/replicas.js';
import { PROJECT_LABEL } from '../../contract/unit.js';
import { apply, PlanConflictError, type ApplyResult } from '../../reconcile/apply.js';
import { acquireLock } from '../../reconcile/lock.js';
import { REMOVAL_HOLD_MS, RemovalHold } from '../../reconcile/removal-hold.js';
import { UnitTracker } from '../../reconcile/track.js';
import { Coalescer, fingerprint, watchFiles, type FileWatch } from '../../reconcile/watch.js';
import type { SandboxClient } from '../../sdk/index.js';
import { keepAliveWhile } from '../../host/keepalive.js';
import { earlyDaemonFor, type EarlyDaemon } from '../early-daemon.js';
import { CLIError, EXIT } from '../errors.js';
import { specFor } from '../host.js';
import type { CliIO } from '../io.js';
import { followLogs } from '../output/logs.js';
import { overlayWarnings, syncLines, WarnOnce } from '../output/overlays.js';
import { failureLogs, judge, movedPorts, outcomeJson, renderOutcome } from '../output/outcome.js';
import { progressPrinter } from '../output/progress.js';
import { stylerFor } from '../output/style.js';
import { checkUnitNames, connectProject, loadProject, type Project, type ProjectOptions } from '../project.js';
import { checkScaleNames } from '../scale.js';
import type { UpOptions } from './up.js';
import { loadChecked } from './validate.js';
import { followOverlays, type OverlayFollower } from './_watch-sources.js';

/** Runs `up` once its arguments are parsed; `early` is a daemon already starting for the project, if any. */
export async function up(values: ProjectOptions, options: UpOptions, io: CliIO, early: EarlyDaemon | undefined): Promise<number> {
  const { project, client } = await openProject(values, io, options, early);
  try {
    const startedAt = Date.now();
    // Under --watch a source that stays gone is warned about once, not on every save.
    const warned = new WarnOnce();
    const first = await applyAndReport(client, project, project.spec, io, options, io.isTTY && !options.json, warned);
    if (io.signal?.aborted) return await interrupted(client, project.spec, io, options);
    if (options.detach && !options.watch) return judge(first.outcome, {}).exitCode;
    return await stay(client, project, io, options, startedAt, warned);
  } finally {
    await client.close();
  }
}

// Loads the project and connects to its daemon (the early one if it serves this project); a bad config stops the
// early daemon again.
async function openProject(values: ProjectOptions, io: CliIO, options: UpOptions, early: EarlyDaemon | undefined): Promise<{ project: Project; client: SandboxClient }> {
  try {
    const loaded = await loadProject(values, io, options.only, options.scale);
    const project = { ...loaded, spec: specFor(loaded.spec) };
    checkScaleNames(project.spec, options.scale);
    checkUnitNames(project.spec, options.only);
    if (options.exitCodeFrom !== undefined) checkUnitNames(project.spec, [options.exitCodeFrom]);
    const client = await connectProject(project, true, await earlyDaemonFor(early, project), io);
    return { project, client };
  } catch (error) {
    await early?.cancel();
    throw error;
  }
}

// One apply under the project's lock, with progress while it runs and the outcome after it.
async function applyAndReport(
  client: SandboxClient,
  project: Project,
  spec: Spec,
  io: CliIO,
  options: UpOptions,
  live: boolean,
  warned: WarnOnce,
  quiet: Record<string, string[]> = {},
  changed?: Record<string, string[]>,
): Promise<ApplyResult> {
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
      quiet,
      ...(changed ? { changed } : {}),
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
  for (const line of syncLines(result)) io.stderr(`${line}\n`);
  for (const warning of warned.fresh(overlayWarnings(result))) io.stderr(`warning: ${warning}\n`);
  const daemonOut = daemonFiles(project.stateDir).out;
  io.stdout(options.json ? outcomeJson(result) : renderOutcome(result, style, { timeoutMs: options.timeoutMs, daemonOut }));
  io.stderr(movedPorts(result, spec.units));
  if (result.outcome.kind !== 'done') io.stderr(await failureLogs(client, result, style));
  // Why it ends the command: with the daemon gone, nothing is left to follow or to apply to.
  if (result.outcome.kind === 'daemon_lost') throw new CLIError(judge(result.outcome, { daemonOut }).verdict, EXIT.failed);
  return result;
}

// After the first apply: follow logs (foreground), re-apply on saves (--watch), until Ctrl-C or every unit exited.
async function stay(client: SandboxClient, project: Project, io: CliIO, options: UpOptions, since: number, warned: WarnOnce): Promise<number> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  let spec = project.spec;
  const scope = () => (options.only.length > 0 ? expandNames(Object.values(spec.units), options.only) : Object.keys(spec.units));
  const follower = options.detach ? undefined : followLogs(client, io, scope(), { stream: 'combined', since, signal: stop.signal, keepOpen: options.watch });
  let watch: FileWatch | undefined;
  let sources: OverlayFollower | undefined;
  // Saves in overlay sources alone re-apply the same spec: the config is read again only when its files changed.
  let configChanged = false;
  const reapply = new Coalescer(async () => {
    const reading = configChanged;
    configChanged = false;
    const next = reading ? await reload(options, spec.inputs, io) : spec;
    if (!next) return;
    const removed = Object.keys(spec.units).filter((name) => !Object.hasOwn(next.units, name));
    if (removed.length > 0 && !(await hold.ready(next.inputs))) {
      io.stderr(`the config removes ${removed.join(', ')}; applying it once its files have been unchanged for ${REMOVAL_HOLD_MS} ms\n`);
      return;
    }
    hold.clear();
    spec = next;
    // A save in a source alone scans only the paths the watch reported; a config change scans every source.
    const taken = sources?.takePaths();
    let result: ApplyResult;
    try {
      result = await applyAndReport(client, project, spec, io, options, false, warned, sources?.quiet(), reading ? undefined : taken);
    } catch (error) {
      if (taken) sources?.returnPaths(taken);
      throw error;
    }
    sources?.applied(result);
    for (const name of scope()) follower?.add(name);
    if (!reading) return;
    await watch?.setFiles(spec.inputs);
    await sources?.setSpec(spec);
  });
  // A held removal reads the files again when its hold is up: the reload it waits for is a config change.
  const hold = new RemovalHold(() => {
    configChanged = true;
    reapply.trigger();
  });
  try {
    if (options.watch) {
      watch = await watchFiles(spec.inputs, (changed) => {
        io.stderr(`change detected in ${changed.join(', ')}; re-applying\n`);
        configChanged = true;
        reapply.trigger();
      });
      sources = await followOverlays(spec, io, () => reapply.trigger());
      // A provider sandbox would time out under a long watch: its life is extended while the watch runs.
      if (client.keepAlive) keepAliveWhile(client.keepAlive, stop.signal, (line) => io.stderr(`${line}\n`));
      const overlays = spec.overlays.length > 0 ? ` and ${spec.overlays.length} overlay source${spec.overlays.length === 1 ? '' : 's'}` : '';
      io.stderr(`watching ${spec.inputs.length} file${spec.inputs.length === 1 ? '' : 's'}${overlays} for changes (Ctrl-C to stop)\n`);
    }
    const watched = () => (options.exitCodeFrom ? expandNames(Object.values(spec.units), [options.exitCodeFrom]) : scope());
    const exitedOnTheirOwn = await untilExited(client, () => scope(), watched, options, stop.signal);
    if (exitedOnTheirOwn?.stopStack) await stopStack(client, spec, io, `${exitedOnTheirOwn.unit} exited; gracefully stopping the stack...`);
    if (exitedOnTheirOwn) return exitedOnTheirOwn.code;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await watch?.close();
    await sources?.close();
    await reapply.idle();
    hold.clear();
    stop.abort();
    await follower?.done;
  }
  return interrupted(client, spec, io, options);
}

// The foreground without --watch ends when every unit has exited (as compose does): 0 if all completed, else 1.
// With --abort-on-exit it ends when any of `watched` has (all, or --exit-code-from's replicas), and the stack is stopped.
async function untilExited(client: SandboxClient, scope: () => string[], watched: () => string[], options: UpOptions, signal: AbortSignal): Promise<{ code: number; unit: string; stopStack: boolean } | undefined> {
  const tracker = await UnitTracker.subscribe(client, signal);
  // With --watch (or -d --watch) it never ends on its own: only Ctrl-C, or the daemon's loss, end it.
  const never = options.watch || options.detach;
  const atRest = (name: string) => AT_REST_STATUSES.has(tracker.get(name)?.status ?? 'pending');
  const exited = () => (options.abortOnExit ? watched().find(atRest) : watched().every(atRest) ? watched()[0] : undefined);
  const waited = await tracker.until(() => !never && exited() !== undefined, undefined, signal);
  if (waited === 'lost') throw new CLIError(`lost the sandbox daemon (${tracker.lostBecause?.message ?? 'its event stream ended'})`, EXIT.failed);
  const unit = exited();
  if (waited !== 'met' || unit === undefined) return undefined;
  if (options.exitCodeFrom) return { code: tracker.get(unit)?.exitCode ?? EXIT.failed, unit, stopStack: true };
  const completed = (options.abortOnExit ? [unit] : scope()).every((name) => tracker.get(name)?.status === 'completed');
  return { code: completed ? EXIT.ok : EXIT.failed, unit, stopStack: options.abortOnExit };
}

// Stops the project's units gracefully (dependents first), saying why.
async function stopStack(client: SandboxClient, spec: Spec, io: CliIO, why: string): Promise<void> {
  io.stderr(`${why}\n`);
  // Units of inactive profiles that run (an earlier `up --profile` started them) are left alone, as `up` leaves them.
  const inactive = spec.profiles?.inactive ?? {};
  const ours = (await client.units()).filter((unit) => unit.spec.labels[PROJECT_LABEL] === spec.name && !Object.hasOwn(inactive, unit.name));
  const names = ours.map((unit) => unit.name);
  if (names.length > 0) await client.stopUnits(names);
  io.stderr(`stopped ${names.length} unit${names.length === 1 ? '' : 's'}\n`);
}

// Ctrl-C: in the foreground the stack is stopped gracefully (dependents first); with -d it keeps running.
async function interrupted(client: SandboxClient, spec: Spec, io: CliIO, options: UpOptions): Promise<number> {
  if (options.detach) return EXIT.interrupted;
  await stopStack(client, spec, io, 'Gracefully stopping... (press Ctrl-C again to force)');
  return EXIT.interrupted;
}

// A reload for --watch: an invalid edit prints its errors and changes nothing that runs; so does a config whose files
// changed while they were read (the watch reports that change, and the next reload reads the settled files).
async function reload(options: UpOptions, inputs: string[], io: CliIO): Promise<Spec | undefined> {
  try {
    const before = await fingerprint(inputs);
    const result = await loadChecked(options.files, io, { profiles: options.profiles, targets: options.only, scale: options.scale });
    if (!result.spec) io.stderr('the config has errors; nothing was changed. Waiting for the next save.\n');
    else if ((await fingerprint(inputs)) !== before) {
      io.stderr('the files changed while they were read; waiting for them to settle\n');
      return undefined;
    }
    return result.spec && specFor(result.spec);
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}; nothing was changed\n`);
    return undefined;
  }
}
