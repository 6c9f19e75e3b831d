// What every reader turns its format into: units in the terms of compute.yaml, each with the notes of what did
// not convert. emit.ts writes it out; the readers never build YAML themselves.

/** A dependency's condition, as compute's `needs` long form names it. */
export type NeedCondition = 'healthy' | 'started' | 'completed';

/** A readiness probe: exactly one of exec, path (HTTP on the unit's port) or log, with its timing. */
export interface DraftProbe {
  exec?: string;
  path?: string;
  log?: string;
  interval_ms?: number;
  timeout_ms?: number;
  delay_ms?: number;
  failure_threshold?: number;
  /** From a liveness probe: the unit is restarted once unhealthy. */
  on_unhealthy?: 'restart';
}

/** One unit being converted. `words` is the exec form, `shell` the shell form; the writer picks what its kind takes. */
export interface DraftUnit {
  name: string;
  description?: string;
  words?: string[];
  shell?: string;
  /** Force a server (a Procfile line) even without a port. */
  server?: boolean;
  port?: number;
  /** A trailing comment on `port` (the ports that did not fit). */
  portNote?: string;
  dir?: string;
  user?: string;
  environment?: Record<string, string | number | boolean>;
  envFile?: string[];
  restartPolicy?: 'never' | 'on-failure' | 'always';
  maxRestarts?: number;
  restartDelayMs?: number;
  stopTimeoutMs?: number;
  health?: DraftProbe;
  /** An HTTP probe makes a unit a server (it needs a port to probe). */
  httpHealth?: boolean;
  needs: Map<string, { condition: NeedCondition; restart?: boolean }>;
  /** compose's `profiles`: the unit starts only when one is active. */
  profiles?: string[];
  /** compose's `scale` / `deploy.replicas`, process-compose's `replicas`. */
  replicas?: number;
  /** `not converted: ...` lines shown above the unit. */
  notes: string[];
}

/** A whole converted file. */
export interface Draft {
  /** The format read, for the header comment. */
  from: string;
  name?: string;
  /** The sandbox's root folder on the host, for formats whose processes run in the project folder (`.`). */
  root?: string;
  /** Environment for every unit (process-compose's global `environment`). */
  envs?: Record<string, string | number | boolean>;
  units: DraftUnit[];
  /** File-wide notes, and units that could not be converted at all. */
  notes: string[];
}

/** A unit is a server when it has a port, an HTTP probe, or comes from a format of servers (Procfile). */
export function isServer(unit: DraftUnit): boolean {
  return unit.server === true || unit.port !== undefined || unit.httpHealth === true;
}

/** A fresh unit with nothing set. */
export function newUnit(name: string): DraftUnit {
  return { name, needs: new Map(), notes: [] };
}

/** An error in the input file that stops the conversion (not YAML, no units, an unknown format). */
export class ConvertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvertError';
  }
}

/** True for a plain object (a YAML map). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `key: value` of an environment entry list (`A=1`, or `A` for "pass it from the outside" as `${A}`). */
export function envEntries(value: unknown, passThrough: (name: string) => string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq > 0) out[text.slice(0, eq)] = text.slice(eq + 1);
      else if (text !== '') out[text] = passThrough(text);
    }
  } else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      out[key] = v === null || v === undefined ? passThrough(key) : typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
    }
  }
  return out;
}
