// The environment and identity a unit's process runs with.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { HASH_MARKER, PHASE_MARKER, SANDBOX_MARKER, UNIT_MARKER } from '../../contract/markers.js';

/** What a unit's process is doing: running its install command, or being the unit. */
export type Phase = 'install' | 'main';

/** The parts a unit's environment is built from, lowest precedence first. */
export interface EnvLayers {
  /** The daemon's own environment (PATH, HOME, ...), so programs are found as in the user's shell. */
  inherited: Record<string, string | undefined>;
  /** Variables from the unit's env_file, when the daemon reads it (2.x clients). */
  envFile: Record<string, string>;
  /** The unit's merged environment from its spec. */
  spec: Record<string, string>;
  user?: PasswdEntry;
  sandboxId: string;
  unit: string;
  hash: string;
}

/** Builds a unit's environment: inherited < env_file < spec, plus the user's HOME and the sandbox markers. */
export function unitEnvironment(layers: EnvLayers): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(layers.inherited)) {
    // PORT and our own variables belong to the daemon's invoker, not to the unit.
    if (value !== undefined && key !== 'PORT' && !key.startsWith('COMPUTE_')) env[key] = value;
  }
  if (layers.user) {
    env.HOME = layers.user.home;
    env.USER = layers.user.name;
    env.LOGNAME = layers.user.name;
  }
  Object.assign(env, layers.envFile, layers.spec);
  env[SANDBOX_MARKER] = layers.sandboxId;
  env[UNIT_MARKER] = layers.unit;
  env[HASH_MARKER] = layers.hash;
  return env;
}

/** The variables of a .env file's text (node:util parseEnv: KEY=value, quotes, comments, `export`). */
export function parseEnvText(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

/** A line of /etc/passwd. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Finds a Unix user by name or numeric id in a passwd file; undefined when there is none. */
export function lookupUser(user: string, passwdText: string = readFileSync('/etc/passwd', 'utf8')): PasswdEntry | undefined {
  for (const line of passwdText.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name === undefined || uid === undefined || gid === undefined) continue;
    if (name === user || uid === user) return { name, uid: Number(uid), gid: Number(gid), home: home ?? '/' };
  }
  return undefined;
}
