// Health checks of units: http, tcp, log-line and exec probes on timers, reported as healthy / unhealthy / checking.
import type { HealthCheck } from '../../contract/unit.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { probeExec } from './exec.js';
import { probeHttp } from './http.js';
import { watchLog } from './log.js';
import type { HealthMonitor, HealthReport, Probe, ProbeSchedule } from './monitor.js';
import { runProbeLoop, STARTUP_PACE_MS } from './monitor.js';
import { probeTcp } from './tcp.js';

export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export { probeExec } from './exec.js';
export { probeHttp } from './http.js';
export type { HealthMonitor, HealthReport, Probe, ProbeResult, ProbeSchedule } from './monitor.js';
export { FAILURE_THRESHOLD, nextDelay, nextReport, runProbeLoop, startupPace, StartupPacer } from './monitor.js';
export { probeTcp } from './tcp.js';

/** What a health check may ask of its unit. */
export interface HealthContext {
  /** The port to probe for http checks without an explicit port (assigned or detected); undefined = not known yet. */
  port(): number | undefined;
  /** Host folder and environment for exec checks. */
  cwd: string;
  /** Opens the unit's working folder for one probe (its path is the probe's cwd, so a swapped-in symlink cannot move it). */
  openCwd?: () => Promise<{ path: string; close(): void }>;
  env: Record<string, string>;
  /** Subscribes to the unit's output lines (for log checks); returns unsubscribe. Lines printed before the
   *  monitor started are delivered by `pastLines`. */
  onLine(listener: (text: string) => void): () => void;
  pastLines?: () => Promise<string[]>;
}

/** The pace of exec checks once healthy: exec probes fork a shell, so a healthy unit is checked less often. */
export const execHealthyIntervalMs = (intervalMs: number): number => Math.max(5 * intervalMs, 10_000);

/** The probe for a check that runs on a timer (all but log checks). */
function probeFor(check: Exclude<HealthCheck, { type: 'log' }>, ctx: HealthContext): Probe {
  switch (check.type) {
    case 'http':
      return async (signal) => {
        const port = check.port ?? ctx.port();
        if (port === undefined) return { ok: false, error: 'no port to probe yet' };
        return probeHttp(`http://127.0.0.1:${port}${check.path}`, check.timeoutMs, signal);
      };
    case 'tcp':
      return (signal) => probeTcp(check.port, check.timeoutMs, '127.0.0.1', signal);
    case 'exec':
      return async (signal) => {
        const folder = ctx.openCwd ? await ctx.openCwd().catch((error: Error) => error) : undefined;
        if (folder instanceof Error) return { ok: false, error: `exec: ${folder.message}` };
        try {
          return probeExec(check.command, { cwd: folder?.path ?? ctx.cwd, env: ctx.env, timeoutMs: check.timeoutMs, signal });
        } finally {
          // The shell was spawned (and chdir()ed through the fd) before probeExec returned.
          folder?.close();
        }
      };
  }
}

/**
 * Starts checking a unit's health; calls onChange when `healthy`/`status` changes (not on every probe).
 * http/tcp/exec: first probe after delayMs, then every intervalMs (exec: execHealthyIntervalMs while healthy; while
 * healthy, on multiples of the interval, see nextDelay); failureThreshold (default 3) consecutive failures of a healthy unit make it unhealthy. log: healthy at the first matching line, past lines
 * included, and stays so (no timing applies). stop() cancels timers and in-flight probes.
 */
export function startHealthMonitor(
  check: HealthCheck,
  ctx: HealthContext,
  onChange: (report: HealthReport) => void,
  clock: Clock = systemClock,
): HealthMonitor {
  if (check.type === 'log') return watchLog(check.pattern, ctx, onChange);
  const schedule: ProbeSchedule = {
    delayMs: check.delayMs,
    intervalMs: check.intervalMs,
    healthyIntervalMs: check.type === 'exec' ? execHealthyIntervalMs(check.intervalMs) : check.intervalMs,
    ...(check.failureThreshold === undefined ? {} : { failureThreshold: check.failureThreshold }),
    // Each exec probe is a process: it keeps the pace it always had while a unit starts.
    ...(check.type === 'exec' ? { startupPaceMs: STARTUP_PACE_MS } : {}),
  };
  return runProbeLoop(probeFor(check, ctx), schedule, onChange, clock);
}
