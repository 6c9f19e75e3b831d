// The restart hash of a unit: it changes exactly when a running unit must be replaced to take a new spec.
import { isRestartField } from './fields.js';
import type { UnitSpec } from './unit.js';
import { nodeCrypto } from './lazy-crypto.js';

/** Whether a unit running `current` must be replaced (stopped, started anew) to take `desired`: their hashes differ.
 *  The plan decides with it; the 2.x and services routes, which have no plan, decide with it too. */
export function needsReplace(current: Pick<UnitSpec, 'hash'>, desired: Pick<UnitSpec, 'hash'>): boolean {
  return current.hash !== desired.hash;
}

/**
 * sha256 (hex) of every field of the spec but those declared in-place or identity (contract/fields.ts): an exclusion
 * list, as docker compose's service hash, so a field added later restarts the unit unless declared otherwise. The text
 * hashed is independent of key order, and an absent field hashes as one set to undefined.
 */
export function restartHash(unit: Omit<UnitSpec, 'hash'> | UnitSpec): string {
  const fields = Object.keys(unit)
    .filter((key) => isRestartField(key) && (unit as unknown as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => [key, canonical((unit as unknown as Record<string, unknown>)[key])]);
  return nodeCrypto().createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

// Objects with their keys sorted and undefined members dropped; arrays keep their order (argv order matters).
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => [key, canonical((value as Record<string, unknown>)[key])]);
}
