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

/** The first pause between probes of a unit that has not been healthy yet; it doubles up to STARTUP_PACE_MS. */
export const STARTUP_PROBE_MS = 10;
/** The pace of the first STARTUP_FAST_PROBES probes of a unit not healthy yet (about 2 s); after them it doubles. */
export const STARTUP_PACE_MS = 50;
export const STARTUP_FAST_PROBES = 40;

/**
 * Pure: the delay until the next probe.
 * - While checking (never healthy yet): 10 ms after the first failure, then 20, 40, and every 50 ms for about 2 s,
 *   then doubling up to `intervalMs`, so a unit is ready moments after it can answer, not up to an interval later
 *   (with the default 2 s interval, a unit that listens 80 ms after its spawn would otherwise wait 2 s for its second
 *   probe; a node server that listened after ~200 ms waited up to 175 ms more with 25 ms doubling).
 * - While unhealthy: `intervalMs`, exactly.
 * - While healthy: until the multiple of `intervalMs` on the clock nearest to `now + intervalMs`, so the probes of
 *   every healthy unit with the same interval fall into one event-loop wake-up instead of one each. Why: in the
 *   footprint measurement (100 units, 1 s HTTP checks, 2-core VM) probes at spread times cost about 6 % of a core,
 *   the same probes lined up about 2 %. Gaps stay between half and one and a half intervals, and are exactly one in
 *   the steady state.
 */
export function nextDelay(now: number, intervalMs: number, report: Pick<HealthReport, 'healthy' | 'status' | 'consecutiveFailures'>): number {
  if (report.status === 'checking') return Math.min(intervalMs, startupDelay(Math.max(1, report.consecutiveFailures)));
  if (!report.healthy || intervalMs <= 0) return intervalMs;
  return Math.ceil((now + intervalMs / 2) / intervalMs) * intervalMs - now;
}

// The pause after the nth failed probe of a unit not healthy yet (before the cap of its interval).
function startupDelay(failures: number): number {
  if (failures <= STARTUP_FAST_PROBES) return Math.min(STARTUP_PACE_MS, STARTUP_PROBE_MS * 2 ** (failures - 1));
  return STARTUP_PACE_MS * 2 ** Math.min(20, failures - STARTUP_FAST_PROBES);
}

/**
 * Runs `probe` on `schedule` until stopped, and calls `onChange` when `healthy` or `status` changes (not on every
 * probe). Probes never overlap: the next is scheduled when the last has settled, so a slow target is not flooded.
 */
export function runProbeLoop(
  probe: Probe,
  schedule: ProbeSchedule,
  onChange: (report: HealthReport) => void,
  clock: Clock,
): HealthMonitor {
  let report = initialReport();
  let timer: unknown;
  let stopped = false;
  const abort = new AbortController();

  const tick = async () => {
    timer = undefined;
    const result = await probe(abort.signal).catch(
      (error: unknown): ProbeResult => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
    // A probe that settles after stop() must not report: the unit may already be gone or replaced.
    if (stopped) return;
    const before = report;
    report = nextReport(before, result, schedule.failureThreshold);
    const interval = report.healthy ? schedule.healthyIntervalMs : schedule.intervalMs;
    timer = clock.setTimeout(tick, nextDelay(clock.now(), interval, report));
    if (report.healthy !== before.healthy || report.status !== before.status) onChange({ ...report });
  };

  // Always through a timer, even with no delay: onChange never fires inside the caller's own call.
  timer = clock.setTimeout(tick, schedule.delayMs);
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      abort.abort();
    },
    current: () => ({ ...report }),
  };
}
