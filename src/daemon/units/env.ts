// The environment and identity a unit's process runs with.
import { parseEnv } from 'node:util';
import { commandEnvironmentOf, type CommandEnvLayers } from '../../contract/environment.js';
import { HASH_MARKER, PHASE_MARKER, SANDBOX_MARKER, UNIT_MARKER } from '../../contract/markers.js';

export { lookupUser, type PasswdEntry } from '../../contract/environment.js';

/** What a unit's process is doing: running its install command, or being the unit. */
export type Phase = 'install' | 'main';

/** The parts a unit's environment is built from, lowest precedence first, and the markers that make it the unit's. */
export interface EnvLayers extends CommandEnvLayers {
  sandboxId: string;
  unit: string;
  hash: string;
}

/** Builds a unit's environment: inherited < env_file < spec, plus the user's HOME and the sandbox markers. */
export function unitEnvironment(layers: EnvLayers): Record<string, string> {
  const env = commandEnvironmentOf(layers);
  env[SANDBOX_MARKER] = layers.sandboxId;
  env[UNIT_MARKER] = layers.unit;
  env[HASH_MARKER] = layers.hash;
  return env;
}

/** The variables of a .env file's text (node:util parseEnv: KEY=value, quotes, comments, `export`). */
export function parseEnvText(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}
