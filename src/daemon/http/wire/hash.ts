// A stable hash of the fields of a unit spec whose change needs a restart.
import { createHash } from 'node:crypto';
import type { UnitSpec } from '../../../model/unit.js';

/** The fields whose change needs a restart, hashed the same way every time (for units defined over the 2.x and services APIs). */
export function unitHash(spec: Omit<UnitSpec, 'hash'>): string {
  const { name, kind, command, install, cwd, port, strictPort, env, envFile, user, healthCheck, needs, overlays } = spec;
  const material = { name, kind, command, install, cwd, port, strictPort, env, envFile, user, healthCheck, needs, overlays };
  return createHash('sha256').update(canonicalJson(material)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
