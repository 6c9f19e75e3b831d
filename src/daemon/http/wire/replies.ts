// Units as the wire reports them: 2.x ServerInfo, seed ServiceInfo, and the /ready summary.
import { UNIT_FIELDS } from '../../../contract/fields.js';
import { ENDED_WELL_STATUSES } from '../../../contract/status.js';
import type { HealthCheck, Need, UnitSpec, UnitState, UnitStatus } from '../../../contract/unit.js';
import type { ReadyOverlay, ReadyResponse, ServerInfo, ServerStatus, ServiceInfo, ServiceStatus, WireHealthCheck, WireNeeds } from '../../../contract/wire.js';

const NS_PER_MS = 1_000_000;

/** A duration field of the spec in the 2.x reply's unit (nanoseconds), under the reply name its declaration gives. */
function reply2x(spec: UnitSpec, field: 'restartDelayMs' | 'stopTimeoutMs'): Record<string, number> {
  const { name, unit } = UNIT_FIELDS[field].reply2x;
  return { [name]: unit === 'ns' ? spec[field] * NS_PER_MS : spec[field] };
}

/** A model HealthCheck in wire form (the inverse of healthCheck). */
export function wireHealthCheck(check: HealthCheck): WireHealthCheck {
  const timing = {
    interval_ms: check.intervalMs,
    timeout_ms: check.timeoutMs,
    delay_ms: check.delayMs,
    ...(check.failureThreshold === undefined ? {} : { failure_threshold: check.failureThreshold }),
    ...(check.onUnhealthy === undefined ? {} : { on_unhealthy: check.onUnhealthy }),
  };
  switch (check.type) {
    case 'http':
      return { path: check.path, ...(check.port === undefined ? {} : { port: check.port }), ...timing };
    case 'tcp':
      return { port: check.port, ...timing };
    case 'log':
      return { log: check.pattern, ...timing };
    case 'exec':
      return { exec: check.command, ...timing };
  }
}

/** Needs in the short form when every need is short-form, else in the map form (so a PUT's form comes back). */
export function needsToWire(needs: Record<string, Need>): WireNeeds {
  const entries = Object.entries(needs);
  if (entries.every(([, n]) => n.condition === 'healthy' && !n.restart)) return entries.map(([n]) => n);
  return Object.fromEntries(entries);
}

/** Our statuses in 2.x terms: a unit waiting for its needs is `starting`; a one-shot that exited 0 is `stopped`. */
export function serverStatus(status: UnitStatus): ServerStatus {
  if (status === 'pending') return 'starting';
  if (status === 'completed') return 'stopped';
  return status;
}

/**
 * Our statuses in the seed services API's terms, where running means "its process runs and its health port accepts
 * connections": a unit with a health check is `running` once ready; without one, once its process runs. Waiting for
 * needs, installing, starting or restarting is `unknown`: nothing answers yet.
 */
export function serviceStatus(status: UnitStatus, checked: boolean): ServiceStatus {
  if (status === 'ready' || (status === 'running' && !checked)) return 'running';
  if (status === 'failed') return 'failed';
  return ENDED_WELL_STATUSES.has(status) ? 'stopped' : 'unknown';
}

/** A unit as a 2.x ServerInfo (snake_case; restart_delay and stop_timeout in nanoseconds). */
export function serverInfo(state: UnitState): ServerInfo {
  const { spec } = state;
  const port = state.port ?? spec.port;
  return {
    slug: state.name,
    ...(spec.install ? { install: spec.install } : {}),
    start: typeof spec.command === 'string' ? spec.command : spec.command.join(' '),
    path: spec.cwd,
    ...(spec.envFile ? { env_file: spec.envFile } : {}),
    environment: spec.env,
    strict_port: spec.strictPort,
    depends_on: spec.overlays,
    ...(port === undefined ? {} : { port }),
    ...(state.url ? { url: state.url } : {}),
    status: serverStatus(state.status),
    ...(state.pid === undefined ? {} : { pid: state.pid }),
    restart_policy: spec.restartPolicy,
    max_restarts: spec.maxRestarts,
    ...reply2x(spec, 'restartDelayMs'),
    ...reply2x(spec, 'stopTimeoutMs'),
    restart_count: state.restartCount,
    exit_code: state.exitCode,
    ...(spec.healthCheck
      ? {
          health_check: wireHealthCheck(spec.healthCheck),
          healthy: state.healthy ?? false,
          health_status: { consecutive_failures: state.consecutiveFailures },
        }
      : {}),
    ...(state.reason ? { reason: state.reason } : {}),
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}

/** A unit as the seed API's ServiceInfo. */
export function serviceInfo(state: UnitState): ServiceInfo {
  const { spec } = state;
  const [cmd = '', ...args] = typeof spec.command === 'string' ? [spec.command] : spec.command;
  const check = spec.healthCheck;
  return {
    name: state.name,
    cmd,
    args,
    env: spec.env,
    working_dir: spec.cwd,
    user: spec.user ?? null,
    health_port: check?.type === 'tcp' ? check.port : check?.type === 'http' ? (check.port ?? state.port ?? null) : null,
    needs: needsToWire(spec.needs),
    status: serviceStatus(state.status, check !== undefined),
    pid: state.pid ?? null,
    healthy: check ? (state.healthy ?? false) : null,
    restart_count: state.restartCount,
    exit_code: state.exitCode,
    ...(state.reason ? { reason: state.reason } : {}),
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}


/** GET /ready: `ready` when every active server runs with a known URL and every overlay is copied; `healthy` when every checked server passes. */
export function readiness(states: readonly UnitState[], overlays: readonly ReadyOverlay[]): ReadyResponse {
  const servers = states.filter((s) => s.kind === 'server');
  const active = servers.filter((s) => !ENDED_WELL_STATUSES.has(s.status));
  const up = active.every((s) => (s.status === 'running' || s.status === 'ready') && s.url !== undefined);
  const copied = overlays.every((o) => o.copy_status === 'complete');
  return {
    ready: up && copied,
    healthy: active.every((s) => !s.spec.healthCheck || s.healthy === true),
    servers: servers.map((s) => ({
      slug: s.name,
      ...(s.port === undefined ? {} : { port: s.port }),
      ...(s.url ? { url: s.url } : {}),
      status: serverStatus(s.status),
      ...(s.spec.healthCheck
        ? { healthy: s.healthy ?? false, health_check: { consecutive_failures: s.consecutiveFailures } }
        : {}),
    })),
    overlays: [...overlays],
  };
}
