// One declaration per unit field: its YAML names, its wire names, its ComputeSDK 2.x reply name and unit, its default,
// its JSON schema in a unit spec, and whether a change needs a new process. The config normaliser, the 2.x mapper,
// the daemon's request validation, the plan's field diff and the restart hash are all driven by this table.
import type { ProbePolicy, ProbeTiming, UnitKind, UnitSpec } from './unit.js';
import { HEALTH_CHECK_SCHEMA, MAX_MS, NEEDS_SCHEMA, UNIT_NAME_SCHEMA } from './spec-schema.js';

/** How a changed field reaches a running unit: a new process (`restart`), in place, or never (it names the unit). */
export type ApplyRule = 'restart' | 'in-place' | 'identity';

/** The declaration of one unit field. */
export interface FieldDecl {
  /** The key(s) under `servers:` and `services:` that set it (absent: not settable there). The first is its name. */
  yaml?: Partial<Record<UnitKind, readonly string[]>>;
  /** The key in request bodies: POST /servers (2.x ServerStartOptions) and PUT /v1/services (the seed API). */
  wire?: Partial<Record<UnitKind, string>>;
  /** A 2.x ServerInfo reply names it differently and in another unit (2.x reports durations in nanoseconds). */
  reply2x?: { name: string; unit: 'ns' };
  /** Its value when the file or the request leaves it out (same in YAML and on the wire unless `default2x` says). */
  default?: unknown;
  /** Its JSON schema as part of a UnitSpec (PUT /v1/units), and of a request body where the wire form is the same. */
  schema: object;
  /** A spec may leave it out (an optional field of UnitSpec). */
  optional?: true;
  apply: ApplyRule;
}

const count = { type: 'integer', minimum: 0, maximum: MAX_MS } as const;
const durationMs = count;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** Every field of a UnitSpec. `satisfies` makes the compiler refuse a field of UnitSpec that is not declared here. */
export const UNIT_FIELDS = {
  name: { wire: { server: 'slug' }, schema: UNIT_NAME_SCHEMA, apply: 'identity' },
  kind: { schema: { enum: ['server', 'service'] }, apply: 'restart' },
  command: {
    yaml: { server: ['start'], service: ['cmd', 'args'] },
    wire: { server: 'start', service: 'cmd' },
    schema: {
      description: 'a non-empty string or a non-empty list of strings',
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string' }, minItems: 1 },
      ],
    },
    apply: 'restart',
  },
  install: { yaml: { server: ['install'] }, wire: { server: 'install' }, optional: true, schema: { type: 'string' }, apply: 'restart' },
  cwd: {
    yaml: { server: ['path'], service: ['working_dir'] },
    wire: { server: 'path', service: 'working_dir' },
    default: '/',
    schema: { type: 'string', pattern: '^/', description: 'an absolute sandbox path' },
    apply: 'restart',
  },
  port: { yaml: { server: ['port'] }, wire: { server: 'port' }, optional: true, schema: { type: 'integer', minimum: 1, maximum: 65535 }, apply: 'restart' },
  strictPort: { yaml: { server: ['strict_port'] }, wire: { server: 'strict_port' }, default: false, schema: { type: 'boolean' }, apply: 'restart' },
  env: {
    yaml: { server: ['environment'], service: ['env'] },
    wire: { server: 'environment', service: 'env' },
    default: {},
    schema: stringMap,
    apply: 'restart',
  },
  envFile: { yaml: { server: ['env_file'], service: ['env_file'] }, wire: { server: 'env_file', service: 'env_file' }, optional: true, schema: { type: 'string' }, apply: 'restart' },
  user: { yaml: { service: ['user'] }, wire: { service: 'user' }, optional: true, schema: { type: 'string', minLength: 1 }, apply: 'restart' },
  restartPolicy: {
    yaml: { server: ['restart_policy'], service: ['restart_policy'] },
    wire: { server: 'restart_policy', service: 'restart_policy' },
    default: 'never',
    schema: { enum: ['never', 'on-failure', 'always'] },
    apply: 'in-place',
  },
  maxRestarts: {
    yaml: { server: ['max_restarts'], service: ['max_restarts'] },
    wire: { server: 'max_restarts', service: 'max_restarts' },
    default: 0,
    schema: count,
    apply: 'in-place',
  },
  restartDelayMs: {
    yaml: { server: ['restart_delay_ms'], service: ['restart_delay_ms'] },
    wire: { server: 'restart_delay_ms', service: 'restart_delay_ms' },
    reply2x: { name: 'restart_delay', unit: 'ns' },
    default: 1000,
    schema: durationMs,
    apply: 'in-place',
  },
  restartMaxDelayMs: {
    yaml: { server: ['restart_max_delay_ms'], service: ['restart_max_delay_ms'] },
    wire: { server: 'restart_max_delay_ms', service: 'restart_max_delay_ms' },
    default: 30_000,
    schema: durationMs,
    optional: true,
    apply: 'in-place',
  },
  restartResetMs: {
    yaml: { server: ['restart_reset_ms'], service: ['restart_reset_ms'] },
    wire: { server: 'restart_reset_ms', service: 'restart_reset_ms' },
    default: 60_000,
    schema: durationMs,
    optional: true,
    apply: 'in-place',
  },
  minUptimeMs: {
    yaml: { server: ['min_uptime_ms'], service: ['min_uptime_ms'] },
    wire: { server: 'min_uptime_ms', service: 'min_uptime_ms' },
    default: 1000,
    schema: durationMs,
    optional: true,
    apply: 'in-place',
  },
  stopTimeoutMs: {
    yaml: { server: ['stop_timeout_ms'], service: ['stop_timeout_ms'] },
    wire: { server: 'stop_timeout_ms', service: 'stop_timeout_ms' },
    reply2x: { name: 'stop_timeout', unit: 'ns' },
    default: 10_000,
    schema: durationMs,
    apply: 'in-place',
  },
  healthCheck: {
    yaml: { server: ['health_check'], service: ['health_check', 'health_port'] },
    wire: { server: 'health_check', service: 'health_check' },
    schema: HEALTH_CHECK_SCHEMA,
    optional: true,
    apply: 'in-place',
  },
  needs: {
    yaml: { server: ['needs'], service: ['needs'] },
    wire: { service: 'needs' },
    default: {},
    schema: NEEDS_SCHEMA,
    apply: 'in-place',
  },
  overlays: { yaml: { server: ['overlay'] }, wire: { server: 'depends_on' }, default: [], schema: { type: 'array', items: { type: 'string' } }, apply: 'in-place' },
  labels: { default: {}, schema: stringMap, apply: 'in-place' },
  hash: { schema: { type: 'string', minLength: 1 }, apply: 'identity' },
} as const satisfies Record<keyof UnitSpec, FieldDecl>;

/** A unit field's name in the program. */
export type UnitField = keyof typeof UNIT_FIELDS;

/** The fields of ProbeTiming, declared the same way (2.x servers start probing 5 s after the start by default). */
export const PROBE_FIELDS = {
  intervalMs: { yaml: 'interval_ms', default: 2000, schema: { type: 'integer', minimum: 1, maximum: MAX_MS } },
  timeoutMs: { yaml: 'timeout_ms', default: 1500, schema: { type: 'integer', minimum: 1, maximum: MAX_MS } },
  delayMs: { yaml: 'delay_ms', default: 0, default2x: 5000, schema: durationMs },
} as const satisfies Record<keyof ProbeTiming, { yaml: string; default: number; default2x?: number; schema: object }>;

/** The restart policy and its timing: named and valued alike in the YAML, the 2.x servers and the services API. */
export const POLICY_FIELDS = ['restartPolicy', 'maxRestarts', 'restartDelayMs', 'restartMaxDelayMs', 'restartResetMs', 'minUptimeMs', 'stopTimeoutMs'] as const satisfies readonly UnitField[];

/** The liveness fields of a health check, declared the same way. */
export const PROBE_POLICY_FIELDS = {
  failureThreshold: { yaml: 'failure_threshold', default: 3, schema: { type: 'integer', minimum: 1, maximum: 1000 } },
  onUnhealthy: { yaml: 'on_unhealthy', default: 'keep', schema: { enum: ['keep', 'restart'] } },
} as const satisfies Record<keyof ProbePolicy, { yaml: string; default: number | string; schema: object }>;

/** A spec's value of an optional field with a declared default (older daemons' records may lack it). */
export function valueOf<F extends 'restartMaxDelayMs' | 'restartResetMs' | 'minUptimeMs'>(spec: Pick<UnitSpec, F>, field: F): number {
  return (spec[field] as number | undefined) ?? (UNIT_FIELDS[field].default as number);
}

/** The YAML name of a field for a unit of `kind` (`path` or `working_dir`), or the program name if it has none. */
export function yamlName(field: UnitField, kind: UnitKind): string {
  const decl: FieldDecl = UNIT_FIELDS[field];
  return decl.yaml?.[kind]?.[0] ?? decl.yaml?.server?.[0] ?? decl.yaml?.service?.[0] ?? field;
}

/** The declared default of a field (typed as the field). */
export function defaultOf<F extends UnitField>(field: F): UnitSpec[F] {
  const decl: FieldDecl = UNIT_FIELDS[field];
  // Only a list or map needs a copy of its own (a unit may change it); a scalar is returned as it is.
  const value = decl.default;
  return (typeof value === 'object' && value !== null ? structuredClone(value) : value) as UnitSpec[F];
}

/** The probe timing with each declared default filled in; `for2x` takes the 2.x defaults where they differ. */
export function probeTiming(given: Partial<Record<keyof ProbeTiming, number | undefined>>, for2x = false): ProbeTiming {
  const pick = (key: keyof ProbeTiming): number => {
    const decl: { default: number; default2x?: number } = PROBE_FIELDS[key];
    return given[key] ?? (for2x ? (decl.default2x ?? decl.default) : decl.default);
  };
  return { intervalMs: pick('intervalMs'), timeoutMs: pick('timeoutMs'), delayMs: pick('delayMs') };
}

/** The fields whose change needs a new process: everything but the fields declared in-place (and the identity). */
export function isRestartField(key: string): boolean {
  const decl = (UNIT_FIELDS as Record<string, FieldDecl | undefined>)[key];
  // Why "not declared → restart": a field added to a spec without a declaration fails safe (it replaces the unit).
  return decl === undefined || decl.apply === 'restart';
}

/** The JSON schema of a whole UnitSpec, from the declarations: PUT /v1/units validates each spec with it. */
export function unitSpecSchema(): object {
  const fields = Object.entries(UNIT_FIELDS) as [UnitField, FieldDecl][];
  return {
    type: 'object',
    required: fields.filter(([, decl]) => !decl.optional).map(([field]) => field),
    properties: Object.fromEntries(fields.map(([field, decl]) => [field, decl.schema])),
    additionalProperties: false,
  };
}

/** The schemas of the scalar fields a request body of `kind` names as the spec does (same value, same unit). */
export function wireScalarSchemas(kind: UnitKind, fields: readonly UnitField[]): Record<string, object> {
  const entries = fields.map((field): [string, object] => {
    const decl: FieldDecl = UNIT_FIELDS[field];
    const name = decl.wire?.[kind];
    if (name === undefined) throw new Error(`unit field ${field} has no wire name for ${kind}s`);
    return [name, decl.schema];
  });
  return Object.fromEntries(entries);
}
