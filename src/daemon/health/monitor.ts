// The probe loop shared by http, tcp and exec checks: when to probe, and how results turn into a health report.
import type { HealthStatus } from '../../contract/unit.js';
import type { Clock } from './clock.js';

/** What the health of a unit is now. `lastError` is the most recent probe's failure, cleared by a success. */
export interface HealthReport {
  healthy: boolean;
  status: HealthStatus;
  consecutiveFailures: number;
  lastError?: string;
}

/** The outcome of one probe. */
export interface ProbeResult {
  ok: boolean;
  error?: string;
}

/** One probe; it must settle soon after `signal` aborts. */
export type Probe = (signal: AbortSignal) => Promise<ProbeResult>;

/** When to probe: first after `delayMs`, then every `intervalMs`, or every `healthyIntervalMs` while healthy;
 *  `failureThreshold` failures in a row make a healthy unit unhealthy (default 3). */
export interface ProbeSchedule {
  delayMs: number;
  intervalMs: number;
  healthyIntervalMs: number;
  failureThreshold?: number;
  /** The fastest startup pace this check may take (exec checks: 50 ms, as each probe is a process). Default 10. */
  startupPaceMs?: number;
}

/** A running monitor: stop it, or read its latest report. */
export interface HealthMonitor {
  stop(): void;
  current(): HealthReport;
}

/** Consecutive failures that turn a healthy unit unhealthy by default (one failed probe is noise, not an outage). */
export const FAILURE_THRESHOLD = 3;

/** The report before any probe has answered. */
export const initialReport = (): HealthReport => ({ healthy: false, status: 'checking', consecutiveFailures: 0 });

/**
 * Pure: the report after one probe result. `checking` until the first success; a success makes it healthy;
 * `threshold` consecutive failures of a healthy unit make it unhealthy; a later success, healthy again.
 */
export function nextReport(report: HealthReport, result: ProbeResult, threshold: number = FAILURE_THRESHOLD): HealthReport {
  if (result.ok) return { healthy: true, status: 'healthy', consecutiveFailures: 0 };
  const consecutiveFailures = report.consecutiveFailures + 1;
  const failed = report.status !== 'checking' && consecutiveFailures >= threshold;
  const next: HealthReport = failed
    ? { healthy: false, status: 'unhealthy', consecutiveFailures }
    : { healthy: report.healthy, status: report.status, consecutiveFailures };
  if (result.error !== undefined) next.lastError = result.error;
  return next;
}

/** The first pause between probes of a unit that has not been healthy yet; it doubles up to the startup pace. */
export const STARTUP_PROBE_MS = 10;
/** The slowest startup pace: the pause between probes when many units start at once. */
export const STARTUP_PACE_MS = 50;
/** How long a unit not healthy yet is probed at the startup pace, from its first probe; after that the pauses double. */
export const STARTUP_FAST_MS = 2000;
/** The probes a second the daemon spends at most on units in their fast startup phase (mostly refused connects). */
export const STARTUP_PROBES_PER_SECOND = 400;

/**
 * Pure: the pause between probes of a unit in its fast startup phase while `starting` units are in theirs: every
 * 10 ms for up to four, slower as more start together, at most 50 ms (100 units starting at once).
 */
export function startupPace(starting: number): number {
  return Math.min(STARTUP_PACE_MS, Math.max(STARTUP_PROBE_MS, Math.ceil((starting * 1000) / STARTUP_PROBES_PER_SECOND)));
}

/** Where a unit not healthy yet is in its startup: time since its first probe, and how many units start with it. */
export interface StartupPhase {
  elapsedMs: number;
  starting: number;
  /** The fastest pace the check may take (see ProbeSchedule.startupPaceMs). */
  startupPaceMs?: number | undefined;
}

/**
 * Pure: the delay until the next probe.
 * - While checking (never healthy yet), for 2 s from the first probe: 10 ms after the first failure, doubling up to
 *   the startup pace (see startupPace), so a unit is ready moments after it can answer, not up to an interval later
 *   (with the default 2 s interval, a unit that listens 80 ms after its spawn would otherwise wait 2 s for its second
 *   probe). After 2 s, as long as the time past those 2 s (so the pauses double), up to `intervalMs`.
 * - While unhealthy: `intervalMs`, exactly.
 * - While healthy: until the multiple of `intervalMs` on the clock nearest to `now + intervalMs`, so the probes of
 *   every healthy unit with the same interval fall into one event-loop wake-up instead of one each. Why: in the
 *   footprint measurement (100 units, 1 s HTTP checks, 2-core VM) probes at spread times cost about 6 % of a core,
 *   the same probes lined up about 2 %. Gaps stay between half and one and a half intervals, and are exactly one in
 *   the steady state.
 */
export function nextDelay(
  now: number,
  intervalMs: number,
  report: Pick<HealthReport, 'healthy' | 'status' | 'consecutiveFailures'>,
  startup: StartupPhase = { elapsedMs: 0, starting: 1 },
): number {
  if (report.status === 'checking') return Math.min(intervalMs, startupDelay(Math.max(1, report.consecutiveFailures), startup));
  if (!report.healthy || intervalMs <= 0) return intervalMs;
  return Math.ceil((now + intervalMs / 2) / intervalMs) * intervalMs - now;
}

// The pause after the nth failed probe of a unit not healthy yet (before the cap of its interval).
function startupDelay(failures: number, { elapsedMs, starting, startupPaceMs = STARTUP_PROBE_MS }: StartupPhase): number {
  const pace = Math.max(startupPaceMs, startupPace(starting));
  if (elapsedMs < STARTUP_FAST_MS) return Math.min(pace, STARTUP_PROBE_MS * 2 ** Math.min(20, failures - 1));
  return Math.max(STARTUP_PACE_MS, elapsedMs - STARTUP_FAST_MS);
}

/** The probe loops in their fast startup phase, shared by the monitors of a daemon: how many there are sets the pace. */
export class StartupPacer {
  private readonly loops = new Set<object>();

  /** Counts `loop` in (fast phase) or out (healthy, slowed down, or stopped). */
  set(loop: object, fast: boolean): void {
    if (fast) this.loops.add(loop);
    else this.loops.delete(loop);
  }

  /** How many loops are in their fast phase. */
  get starting(): number {
    return this.loops.size;
  }
}

/** The pacer every probe loop of this process shares, unless it is given its own (as the loop tests do). */
export const daemonPacer = new StartupPacer();

/**
 * Runs `probe` on `schedule` until stopped, and calls `onChange` when `healthy` or `status` changes (not on every
 * probe). Probes never overlap: the next is scheduled when the last has settled, so a slow target is not flooded.
 */
export function runProbeLoop(
  probe: Probe,
  schedule: ProbeSchedule,
  onChange: (report: HealthReport) => void,
  clock: Clock,
  pacer: StartupPacer = daemonPacer,
): HealthMonitor {
  let report = initialReport();
  let timer: unknown;
  let stopped = false;
  let firstProbeAt: number | undefined;
  const abort = new AbortController();
  const self = {};

  const tick = async () => {
    timer = undefined;
    firstProbeAt ??= clock.now();
    const result = await probe(abort.signal).catch(
      (error: unknown): ProbeResult => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
    // A probe that settles after stop() must not report: the unit may already be gone or replaced.
    if (stopped) return;
    const before = report;
    report = nextReport(before, result, schedule.failureThreshold);
    const interval = report.healthy ? schedule.healthyIntervalMs : schedule.intervalMs;
    const elapsedMs = clock.now() - firstProbeAt;
    pacer.set(self, report.status === 'checking' && elapsedMs < STARTUP_FAST_MS);
    timer = clock.setTimeout(tick, nextDelay(clock.now(), interval, report, { elapsedMs, starting: pacer.starting, startupPaceMs: schedule.startupPaceMs }));
    if (report.healthy !== before.healthy || report.status !== before.status) onChange({ ...report });
  };

  // Always through a timer, even with no delay: onChange never fires inside the caller's own call.
  timer = clock.setTimeout(tick, schedule.delayMs);
  return {
    stop() {
      stopped = true;
      pacer.set(self, false);
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      abort.abort();
    },
    current: () => ({ ...report }),
  };
}
