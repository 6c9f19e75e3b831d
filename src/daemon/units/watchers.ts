// What watches a running process: its health check, and the detection of the port it listens on.
import { startHealthMonitor, type HealthReport } from '../health/index.js';
import { detectListeningPorts, processGroupPids } from '../ports/index.js';
import { valueOf } from '../../contract/fields.js';
import type { UnitReason } from '../../contract/reason.js';
import type { UnitState, UnitStatus } from '../../contract/unit.js';
import type { UnitPatch } from './runner.js';
import { pause } from '../../util/pause.js';
import type { RunnerDeps } from './deps.js';
import { processEnvironment, type LaunchContext } from './launch.js';

/** The part of a runner the watchers report to. */
export interface WatchedUnit {
  readonly deps: RunnerDeps;
  readonly name: string;
  readonly state: UnitState;
  setStatus(to: UnitStatus, reason?: UnitReason): void;
  patch(fields: UnitPatch): void;
}

// Port detection polls /proc with a growing pause and gives up after this long, so an idle worker that never
// listens costs nothing after its first two minutes.
const DETECTION_PAUSES_MS = [25, 50, 100, 200, 400, 800, 1600, 3200];
const DETECTION_GIVE_UP_MS = 120_000;

/**
 * Starts the health check (without one: the unit is ready once it has stayed up min_uptime_ms) and, when no port was
 * assigned, port detection. `onUnhealthy` is called when a liveness check (`on_unhealthy: restart`) finds it unhealthy.
 */
export function watchProcess(unit: WatchedUnit, pgid: number, context: LaunchContext, spawnedAt: number, onUnhealthy: () => void = () => {}): () => void {
  const stops: Array<() => void> = [];
  const controller = new AbortController();
  stops.push(() => controller.abort());
  if (unit.state.port === undefined) void detectPort(unit, pgid, controller.signal);
  stops.push(startHealth(unit, context, spawnedAt, controller.signal, onUnhealthy));
  return () => {
    for (const stop of stops) stop();
  };
}

function startHealth(unit: WatchedUnit, context: LaunchContext, spawnedAt: number, signal: AbortSignal, onUnhealthy: () => void): () => void {
  const check = unit.state.spec.healthCheck;
  if (!check) {
    void readyAfterUptime(unit, spawnedAt, signal);
    return () => {};
  }
  unit.patch({ healthy: false, healthStatus: 'checking', consecutiveFailures: 0 });
  const { logs } = unit.deps;
  const monitor = startHealthMonitor(
    check,
    {
      port: () => unit.state.port,
      cwd: context.cwd,
      openCwd: context.openCwd,
      // The unit's own environment, so an exec check finds the same programs (PATH) the unit does.
      env: processEnvironment(context, 'main', unit.state.port),
      onLine: (listener) => logs.onLine(unit.name, (line) => listener(line.text)),
      pastLines: async () =>
        (await logs.read(unit.name, { stream: 'combined' })).filter((line) => line.ts >= spawnedAt).map((line) => line.text),
    },
    (report) => {
      onHealthReport(unit, report);
      if (report.status === 'unhealthy' && check.onUnhealthy === 'restart') onUnhealthy();
    },
  );
  return () => monitor.stop();
}

// Issue 13: a unit without a check was ready at its spawn, so `up -d` called a crash-looping one ready. It is ready once
// it has stayed up min_uptime_ms (as supervisord's startsecs); one that exits sooner never was.
async function readyAfterUptime(unit: WatchedUnit, spawnedAt: number, signal: AbortSignal): Promise<void> {
  const remaining = spawnedAt + valueOf(unit.state.spec, 'minUptimeMs') - Date.now();
  if (remaining > 0 && !(await pause(remaining, signal))) return;
  if (!signal.aborted && unit.state.status === 'running') unit.setStatus('ready');
}

/** Maps a health report onto the unit: first success makes it ready; a failing ready unit goes back to running. */
export function onHealthReport(unit: WatchedUnit, report: HealthReport): void {
  unit.patch({ healthy: report.healthy, healthStatus: report.status, consecutiveFailures: report.consecutiveFailures });
  const { status } = unit.state;
  if (report.healthy && status === 'running') unit.setStatus('ready');
  else if (!report.healthy && report.status === 'unhealthy' && status === 'ready') {
    unit.setStatus('running', { kind: 'health_failing', ...(report.lastError ? { error: report.lastError } : {}) });
  }
}

async function detectPort(unit: WatchedUnit, pgid: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + DETECTION_GIVE_UP_MS;
  for (let i = 0; !signal.aborted && Date.now() < deadline; i++) {
    await pause(DETECTION_PAUSES_MS[Math.min(i, DETECTION_PAUSES_MS.length - 1)] ?? 1000, signal);
    if (signal.aborted) return;
    try {
      const ports = await detectListeningPorts(await processGroupPids(pgid));
      const port = ports.length > 0 ? Math.min(...ports) : undefined;
      if (port !== undefined && !signal.aborted) {
        unit.deps.ports.hold(unit.name, port);
        // Servers are web servers and get a URL; a service's port (Redis, Postgres) is not HTTP.
        unit.patch(unit.state.kind === 'server' ? { port, url: `http://localhost:${port}` } : { port });
        return;
      }
    } catch (error) {
      unit.deps.log.debug({ unit: unit.name, err: error }, 'port detection failed');
    }
  }
}
