// Request bodies of the 2.x servers API and the seed services API, mapped onto unit specs (with 2.x defaults).
import { posix } from 'node:path';
import { badRequest } from '../../errors.js';
import { normaliseSandboxPath, PathEscapeError } from '../../../contract/paths.js';
import type { HealthCheck, Need, ProbePolicy, ProbeTiming, UnitKind, UnitSpec } from '../../../contract/unit.js';
import type { ServerStartOptions, ServiceDefinition, WireHealthCheck, WireNeeds } from '../../../contract/wire.js';
import { restartHash } from '../../../contract/hash.js';
import { defaultOf, POLICY_FIELDS, probeTiming, UNIT_FIELDS, type FieldDecl, type UnitField } from '../../../contract/fields.js';

/** A scalar field read from a request body by its declared wire name, else its declared default. */
function wireField<F extends UnitField>(body: object, field: F, kind: UnitKind): UnitSpec[F] {
  const decl: FieldDecl = UNIT_FIELDS[field];
  const name = decl.wire?.[kind];
  const given = name === undefined ? undefined : (body as Record<string, unknown>)[name];
  return (given as UnitSpec[F] | undefined) ?? defaultOf(field);
}

/** The in-place scalar fields (restart policy and timing), the same in both APIs. */
function policyFields(body: object, kind: UnitKind): Pick<UnitSpec, (typeof POLICY_FIELDS)[number]> {
  return Object.fromEntries(POLICY_FIELDS.map((field) => [field, wireField(body, field, kind)])) as Pick<UnitSpec, (typeof POLICY_FIELDS)[number]>;
}

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
    strictPort: wireField(body, 'strictPort', 'server'),
    env: { ...body.environment },
    // 2.x: "Path to .env file relative to path".
    ...(body.env_file ? { envFile: sandboxPath('servers', 'env_file', posix.resolve(cwd, body.env_file)) } : {}),
    ...policyFields(body, 'server'),
    ...(body.health_check ? { healthCheck: healthCheck('servers', body.health_check, '2.x', 'http') } : {}),
    needs: {},
    overlays: [...(body.depends_on ?? [])],
    labels: defaultOf('labels'),
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
    ...policyFields(body, 'service'),
    ...(check ? { healthCheck: healthCheck('services', check, 'compute', 'tcp', body.health_port) } : {}),
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
  /** 2.x servers start probing 5 s after the start (its HealthCheckConfig docs); services have no 2.x defaults, and
   *  a TCP probe is cheap, so they take compute's (probing at once). */
  defaults: '2.x' | 'compute',
  portAlone: 'tcp' | 'http',
  fallbackPort?: number,
): HealthCheck {
  const timing: ProbeTiming & ProbePolicy = {
    ...probeTiming({ intervalMs: wire.interval_ms, timeoutMs: wire.timeout_ms, delayMs: wire.delay_ms }, defaults === '2.x'),
    ...(wire.failure_threshold === undefined ? {} : { failureThreshold: wire.failure_threshold }),
    ...(wire.on_unhealthy === undefined ? {} : { onUnhealthy: wire.on_unhealthy }),
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
