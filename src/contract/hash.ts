// The restart hash of a unit: it changes exactly when a running unit must be replaced to take a new spec.
import { createHash } from 'node:crypto';
import type { UnitSpec } from './unit.js';

/** The fields whose change needs a new process. Restart policy, timeouts, health check, needs, labels and overlays
 *  are not among them: the daemon updates those in place. */
export const RESTART_FIELDS = ['kind', 'command', 'install', 'cwd', 'port', 'strictPort', 'env', 'envFile', 'user'] as const;

/** What the restart hash is computed from. */
export type RestartFields = Pick<UnitSpec, (typeof RESTART_FIELDS)[number]>;

/** sha256 (hex) of the restart fields, independent of key order (env is hashed sorted by name). */
export function restartHash(unit: RestartFields): string {
  const env = Object.keys(unit.env)
    .sort()
    .map((key) => [key, unit.env[key]]);
  // An array in a fixed order, so that neither key order nor absent-vs-undefined changes the text.
  const canonical = JSON.stringify([
    unit.kind,
    unit.command,
    unit.install ?? null,
    unit.cwd,
    unit.port ?? null,
    unit.strictPort,
    env,
    unit.envFile ?? null,
    unit.user ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
