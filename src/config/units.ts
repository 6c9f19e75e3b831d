// One `servers:` or `services:` entry → a UnitSpec (without its overlays and hash, which need the whole file).
import { normaliseSandboxPath, PathEscapeError } from '../contract/paths.js';
import { defaultOf, probeTiming, PROBE_FIELDS, PROBE_POLICY_FIELDS, yamlName, type UnitField } from '../contract/fields.js';
import type { HealthCheck, Need, NeedCondition, ProbePolicy, ProbeTiming, UnitKind, UnitSpec } from '../contract/unit.js';
import { at, atKey, envString, shownPath, type Context } from './context.js';
import { isMap, setOwn, valueAt, type Value, type ValueMap } from './located.js';
import { dotted } from './schema.js';
import type { Loc } from './source.js';

/** A unit read from the file, with its path in the document, for the checks across units. */
export interface UnitDraft {
  spec: UnitSpec;
  /** Its path in the document: `['servers', name]` or `['services', name]`. */
  keys: string[];
  /** A server's `overlay:` id, checked once every overlay is known. */
  overlay?: string;
  /** `replicas:` as written (see replicas.ts). */
  replicas?: number;
  /** For a replica: the unit of the file it was made from. */
  replicaOf?: string;
}

/**
 * Reads one unit whose shape passed the schema. Problems in it (a path out of the sandbox, a missing env_file) are
 * reported and the unit is still returned, so that the checks across units report theirs in the same pass.
 */
export function readUnit(kind: UnitKind, name: string, raw: ValueMap, sandboxEnvs: Record<string, string>, ctx: Context): UnitDraft {
  const keys = [kind === 'server' ? 'servers' : 'services', name];
  const cwdKey = yamlName('cwd', kind);
  const cwd = sandboxPath(raw[cwdKey], [...keys, cwdKey], ctx) ?? '/';
  const env = environment(raw, keys, sandboxEnvs, ctx);
  const healthCheck = kind === 'server' ? serverHealth(raw, keys, ctx) : serviceHealth(raw, keys, ctx);
  // The scalar fields whose YAML value is the spec's value: read by their declared name, else their declared default.
  const scalar = <F extends UnitField>(field: F): UnitSpec[F] => (raw[yamlName(field, kind)] as UnitSpec[F] | undefined) ?? defaultOf(field);
  const spec: UnitSpec = {
    name,
    kind,
    command: kind === 'server' ? String(raw.start) : [String(raw.cmd), ...(Array.isArray(raw.args) ? raw.args.map(envString) : [])],
    cwd,
    strictPort: scalar('strictPort') === true,
    env,
    restartPolicy: scalar('restartPolicy'),
    maxRestarts: scalar('maxRestarts'),
    restartDelayMs: scalar('restartDelayMs'),
    restartMaxDelayMs: scalar('restartMaxDelayMs'),
    restartResetMs: scalar('restartResetMs'),
    minUptimeMs: scalar('minUptimeMs'),
    stopTimeoutMs: scalar('stopTimeoutMs'),
    needs: readNeeds(raw.needs),
    overlays: defaultOf('overlays'),
    labels: defaultOf('labels'),
    hash: '',
  };
  if (typeof raw.install === 'string') spec.install = raw.install;
  if (typeof raw.port === 'number') spec.port = raw.port;
  if (typeof raw.user === 'string') spec.user = raw.user;
  if (healthCheck) spec.healthCheck = healthCheck;
  return {
    spec,
    keys,
    ...(typeof raw.overlay === 'string' ? { overlay: raw.overlay } : {}),
    ...(typeof raw.replicas === 'number' ? { replicas: raw.replicas } : {}),
  };
}

/** Normalises a sandbox path written at `keys` (default `/`); reports a path that climbs out of the sandbox. */
export function sandboxPath(value: Value | undefined, keys: (string | number)[], ctx: Context): string | undefined {
  if (value === undefined) return '/';
  try {
    return normaliseSandboxPath(String(value));
  } catch (error) {
    if (!(error instanceof PathEscapeError)) throw error;
    ctx.diags.error(at(ctx, keys), `${dotted(keys)}: path ${JSON.stringify(String(value))} escapes the sandbox root`);
    return undefined;
  }
}

// sandbox envs < env_file (in order) < inline environment / env. Built in place: this runs for every unit.
function environment(raw: ValueMap, keys: string[], sandboxEnvs: Record<string, string>, ctx: Context): Record<string, string> {
  const env: Record<string, string> = { ...sandboxEnvs };
  const files = typeof raw.env_file === 'string' ? [raw.env_file] : Array.isArray(raw.env_file) ? raw.env_file : [];
  files.forEach((path, i) => {
    const file = ctx.envFiles.get(String(path));
    if (file && 'vars' in file) {
      for (const key in file.vars) setOwn(env, key, file.vars[key] as string);
      return;
    }
    const fileKeys = Array.isArray(raw.env_file) ? [...keys, 'env_file', i] : [...keys, 'env_file'];
    const loc = at(ctx, fileKeys);
    const problem = file && 'unreadable' in file ? file.unreadable : 'does not exist';
    ctx.diags.error(loc, `${dotted(fileKeys)}: env_file \`${shownPath(String(path), loc)}\` ${problem}`);
  });
  for (const key of ['env', 'environment']) {
    const inline = raw[key];
    if (isMap(inline)) for (const name of Object.keys(inline)) setOwn(env, name, envString(inline[name]));
  }
  return env;
}

function serverHealth(raw: ValueMap, keys: string[], ctx: Context): HealthCheck | undefined {
  const check = raw.health_check;
  return isMap(check) ? probe(check, [...keys, 'health_check'], ctx) : undefined;
}

// health_port is a TCP check; health_check may add its timing, but naming a second probe is a conflict.
function serviceHealth(raw: ValueMap, keys: string[], ctx: Context): HealthCheck | undefined {
  const check = isMap(raw.health_check) ? raw.health_check : undefined;
  const checkKeys = [...keys, 'health_check'];
  const probeKey = check && ['path', 'port', 'log', 'exec'].find((key) => check[key] !== undefined);
  if (typeof raw.health_port === 'number') {
    if (probeKey) {
      ctx.diags.error(atKey(ctx, [...checkKeys, probeKey]), `${dotted(checkKeys)}: \`${probeKey}\` conflicts with \`health_port\`; give the probe in one place (health_check may still set the timing)`);
      return undefined;
    }
    return { type: 'tcp', port: raw.health_port, ...timing(check) };
  }
  if (check && (probeKey === undefined || probeKey === 'path')) {
    ctx.diags.error(at(ctx, checkKeys), `${dotted(checkKeys)}: an HTTP check needs the unit's port, and services have none; use \`health_port\`, or \`port\`, \`log\` or \`exec\``);
    return undefined;
  }
  return check ? probe(check, checkKeys, ctx) : undefined;
}

function probe(check: ValueMap, keys: (string | number)[], ctx: Context): HealthCheck | undefined {
  const t = timing(check);
  if (typeof check.port === 'number') return { type: 'tcp', port: check.port, ...t };
  if (typeof check.exec === 'string') return { type: 'exec', command: check.exec, ...t };
  if (typeof check.log === 'string') {
    try {
      new RegExp(check.log);
    } catch (error) {
      ctx.diags.error(at(ctx, [...keys, 'log']), `${dotted([...keys, 'log'])}: ${(error as Error).message}`);
      return undefined;
    }
    return { type: 'log', pattern: check.log, ...t };
  }
  return { type: 'http', path: typeof check.path === 'string' ? check.path : '/', ...t };
}

function timing(check: ValueMap | undefined): ProbeTiming & ProbePolicy {
  const given = (key: keyof ProbeTiming) => check?.[PROBE_FIELDS[key].yaml] as number | undefined;
  const threshold = check?.[PROBE_POLICY_FIELDS.failureThreshold.yaml];
  const onUnhealthy = check?.[PROBE_POLICY_FIELDS.onUnhealthy.yaml];
  return {
    ...probeTiming({ intervalMs: given('intervalMs'), timeoutMs: given('timeoutMs'), delayMs: given('delayMs') }),
    ...(typeof threshold === 'number' ? { failureThreshold: threshold } : {}),
    ...(onUnhealthy === 'restart' || onUnhealthy === 'keep' ? { onUnhealthy } : {}),
  };
}

// A list means "each must be healthy"; a map gives each need its condition and restart flag.
function readNeeds(raw: Value | undefined): Record<string, Need> {
  const needs: Record<string, Need> = {};
  if (Array.isArray(raw)) {
    for (const name of raw) setOwn(needs, String(name), { condition: 'healthy', restart: false });
  } else if (isMap(raw)) {
    for (const name of Object.keys(raw)) {
      const entry = raw[name];
      const long = isMap(entry) ? entry : {};
      setOwn(needs, name, { condition: (long.condition as NeedCondition | undefined) ?? 'healthy', restart: long.restart === true });
    }
  }
  return needs;
}

/** Where the need of `draft` on `name` was written (found only when an error is reported about it). */
export function needLoc(draft: UnitDraft, name: string, ctx: Context): Loc {
  const needsKeys = [...draft.keys, 'needs'];
  const raw = valueAt(ctx.doc, needsKeys);
  return Array.isArray(raw) ? at(ctx, [...needsKeys, raw.indexOf(name)]) : atKey(ctx, [...needsKeys, name]);
}
