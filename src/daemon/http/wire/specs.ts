// Request bodies of the 2.x servers API and the seed services API, mapped onto unit specs (with 2.x defaults).
import { posix } from 'node:path';
import { badRequest } from '../../errors.js';
import { normaliseSandboxPath, PathEscapeError } from '../../../contract/paths.js';
import type { HealthCheck, Need, ProbeTiming, UnitSpec } from '../../../contract/unit.js';
import type { ServerStartOptions, ServiceDefinition, WireHealthCheck, WireNeeds } from '../../../contract/wire.js';
import { restartHash } from '../../../contract/hash.js';

/** 2.x defaults (its ServerStartOptions and HealthCheckConfig docs). */
export const SERVER_DEFAULTS = { restartDelayMs: 1000, stopTimeoutMs: 10_000 } as const;
const SERVER_PROBE: ProbeTiming = { intervalMs: 2000, timeoutMs: 1500, delayMs: 5000 };
// Services have no 2.x defaults; a TCP probe is cheap, so they start probing at once.
const SERVICE_PROBE: ProbeTiming = { intervalMs: 2000, timeoutMs: 1500, delayMs: 0 };

/** Maps a validated POST /servers body onto a server unit. */
export function serverSpec(body: ServerStartOptions): UnitSpec {
  const cwd = sandboxPath('servers', 'path', body.path ?? '/');
  return withHash({
    name: body.slug,
    kind: 'server',
    command: body.start,
    ...(body.install ? { install: body.install } : {}),
    cwd,
    ...(body.port === undefined ? {} : { port: body.port }),
    strictPort: body.strict_port ?? false,
    env: { ...body.environment },
    // 2.x: "Path to .env file relative to path".
    ...(body.env_file ? { envFile: sandboxPath('servers', 'env_file', posix.resolve(cwd, body.env_file)) } : {}),
    restartPolicy: body.restart_policy ?? 'never',
    maxRestarts: body.max_restarts ?? 0,
    restartDelayMs: body.restart_delay_ms ?? SERVER_DEFAULTS.restartDelayMs,
    stopTimeoutMs: body.stop_timeout_ms ?? SERVER_DEFAULTS.stopTimeoutMs,
    ...(body.health_check ? { healthCheck: healthCheck('servers', body.health_check, SERVER_PROBE, 'http') } : {}),
    needs: {},
    overlays: [...(body.depends_on ?? [])],
    labels: {},
  });
}

/** Maps a validated PUT /v1/services/{name} body onto a service unit. */
export function serviceSpec(name: string, body: ServiceDefinition): UnitSpec {
  const cwd = sandboxPath('services', 'working_dir', body.working_dir ?? '/');
  const check =
    body.health_check ?? (body.health_port === undefined ? undefined : { port: body.health_port });
  return withHash({
    name,
    kind: 'service',
    command: [body.cmd, ...(body.args ?? [])],
    cwd,
    strictPort: false,
    env: { ...body.env },
    ...(body.env_file ? { envFile: sandboxPath('services', 'env_file', posix.resolve(cwd, body.env_file)) } : {}),
    ...(body.user ? { user: body.user } : {}),
    restartPolicy: body.restart_policy ?? 'never',
    maxRestarts: body.max_restarts ?? 0,
    restartDelayMs: body.restart_delay_ms ?? SERVER_DEFAULTS.restartDelayMs,
    stopTimeoutMs: body.stop_timeout_ms ?? SERVER_DEFAULTS.stopTimeoutMs,
    ...(check ? { healthCheck: healthCheck('services', check, SERVICE_PROBE, 'tcp', body.health_port) } : {}),
    needs: needsFromWire(body.needs),
    overlays: [],
    labels: {},
  });
}

function sandboxPath(label: string, field: string, path: string): string {
  try {
    return normaliseSandboxPath(path);
  } catch (error) {
    if (error instanceof PathEscapeError) throw badRequest(`${label}: "${field}" escapes the sandbox root`);
    throw error;
  }
}

/** A wire health check as a model HealthCheck: `path` → http, `log` → log, `exec` → exec; `port` alone → `portAlone`. */
export function healthCheck(
  label: string,
  wire: WireHealthCheck,
  defaults: ProbeTiming,
  portAlone: 'tcp' | 'http',
  fallbackPort?: number,
): HealthCheck {
  const timing: ProbeTiming = {
    intervalMs: wire.interval_ms ?? defaults.intervalMs,
    timeoutMs: wire.timeout_ms ?? defaults.timeoutMs,
    delayMs: wire.delay_ms ?? defaults.delayMs,
  };
  const probes = (['path', 'log', 'exec'] as const).filter((key) => wire[key] !== undefined);
  if (probes.length > 1) throw badRequest(`${label}: "health_check" takes only one of path, log, exec (got ${probes.join(', ')})`);
  const port = wire.port ?? fallbackPort;
  if (wire.log !== undefined) return { type: 'log', pattern: wire.log, ...timing };
  if (wire.exec !== undefined) return { type: 'exec', command: wire.exec, ...timing };
  if (wire.path === undefined && port !== undefined && portAlone === 'tcp') return { type: 'tcp', port, ...timing };
  // A 2.x server check without a path polls "/" (its documented default).
  return { type: 'http', path: wire.path ?? '/', ...(port === undefined ? {} : { port }), ...timing };
}

/** `[a, b]` waits until each is healthy; the map form names a condition (default healthy) and restart (default false). */
export function needsFromWire(needs: WireNeeds | undefined): Record<string, Need> {
  if (!needs) return {};
  if (Array.isArray(needs)) return Object.fromEntries(needs.map((n) => [n, { condition: 'healthy', restart: false }]));
  return Object.fromEntries(
    Object.entries(needs).map(([n, need]) => [n, { condition: need.condition ?? 'healthy', restart: need.restart ?? false }]),
  );
}

// The same restart hash as config/ computes, so a unit is replaced for the same changes whichever API defined it.
function withHash(spec: Omit<UnitSpec, 'hash'>): UnitSpec {
  return { ...spec, hash: restartHash(spec) };
}
