// Which fields of a unit differ between two specs, named as the user wrote them in compute.yaml.
import { UNIT_FIELDS, yamlName, type UnitField } from '../contract/fields.js';
import type { UnitSpec } from '../contract/unit.js';

/** The changed fields, in YAML terms: `start`, `environment.DEBUG`, `health_check`, ... (empty when equal). */
export function changedFields(desired: UnitSpec, actual: UnitSpec): string[] {
  const changed: string[] = [];
  const keys = new Set([...Object.keys(desired), ...Object.keys(actual)] as UnitField[]);
  for (const key of keys) {
    // Identity fields and labels are no change the user wrote (labels are compared by the plan itself).
    if (UNIT_FIELDS[key]?.apply === 'identity' || key === 'labels') continue;
    if (key === 'env') changed.push(...changedEnv(desired, actual));
    else if (key === 'command') changed.push(...changedCommand(desired, actual));
    else if (!sameValue(desired[key], actual[key])) changed.push(yamlName(key, desired.kind));
  }
  return changed;
}

function changedEnv(desired: UnitSpec, actual: UnitSpec): string[] {
  const section = yamlName('env', desired.kind);
  const keys = new Set([...Object.keys(desired.env), ...Object.keys(actual.env)]);
  return [...keys].filter((key) => desired.env[key] !== actual.env[key]).sort().map((key) => `${section}.${key}`);
}

function changedCommand(desired: UnitSpec, actual: UnitSpec): string[] {
  if (typeof desired.command === 'string' || typeof actual.command === 'string') {
    return sameValue(desired.command, actual.command) ? [] : ['start'];
  }
  const changed: string[] = [];
  if (desired.command[0] !== actual.command[0]) changed.push('cmd');
  if (!sameValue(desired.command.slice(1), actual.command.slice(1))) changed.push('args');
  return changed;
}

/** Deep equality of JSON-like values, ignoring key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
