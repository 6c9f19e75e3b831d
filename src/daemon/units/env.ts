// The environment and identity a unit's process runs with.
import { readFile } from 'node:fs/promises';
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

/** Reads a .env file into variables (node:util parseEnv: KEY=value, quotes, comments, `export`). */
export async function readEnvFile(hostPath: string): Promise<Record<string, string>> {
  return parseEnv(await readFile(hostPath, 'utf8')) as Record<string, string>;
}
