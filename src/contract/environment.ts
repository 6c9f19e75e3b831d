// The environment and identity of a unit's processes, as both the daemon (which adds its markers) and `compute exec`
// (which runs a command in a unit's place, as no process of the unit) build them.
import { readFileSync } from 'node:fs';

/** The parts a unit's environment is built from, lowest precedence first (the daemon adds its markers). */
export interface CommandEnvLayers {
  /** The daemon's own environment (PATH, HOME, ...), so programs are found as in the user's shell. */
  inherited: Record<string, string | undefined>;
  /** Variables from the unit's env_file, when the daemon reads it (2.x clients). */
  envFile: Record<string, string>;
  /** The unit's merged environment from its spec. */
  spec: Record<string, string>;
  user?: PasswdEntry;
}

/**
 * A unit's environment without the markers that make a process one of the unit's (so the daemon would adopt or end
 * it): what `compute exec` gives a command run in the unit's place.
 */
export function commandEnvironmentOf(layers: CommandEnvLayers): Record<string, string> {
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
  return env;
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
