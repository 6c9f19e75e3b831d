// `compute exec` with the terminal passed through: a program started by the CLI itself, in a unit's place (its folder,
// its environment without the markers that would make it one of the unit's processes, both as its daemon resolves
// them: GET /v1/units/:name/place), with stdin, stdout and stderr inherited, so a TTY stays a TTY and a pipe a pipe.
// Where the units run decides how: on this machine (`local`), or inside a bwrap sandbox through nsenter. A cloud
// sandbox has no such way in: there exec goes through its API.
import { realpath } from 'node:fs/promises';
import { readDaemonInfo } from '../contract/discovery.js';
import { isInside } from '../contract/paths.js';
import type { UnitState } from '../contract/unit.js';
import type { UnitPlace } from '../contract/wire.js';
import { SandboxApiError, type SandboxClient } from '../sdk/index.js';
import type { HostTarget } from './index.js';
import { providerOf } from './index.js';
import { loadProvider } from './provider.js';
import { readEntries } from './record.js';

/** A program to spawn with stdio inherited. */
export interface DirectCommand {
  file: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** Why a unit's place cannot be entered directly (then the caller falls back to the sandbox's command API). */
export class NoDirectWay extends Error {}

/** How to run `argv` in `unit`'s place with the terminal passed through; throws NoDirectWay where there is none. */
export async function directCommand(target: HostTarget, client: SandboxClient, unit: UnitState, argv: string[], options: DirectOptions): Promise<DirectCommand> {
  const provider = providerOf(target);
  if (provider === 'local') return onThisMachine(target, await placeFrom(client, unit.name), argv, options);
  if (provider === 'bwrap') return inBwrap(target, client, unit, argv, options);
  throw new NoDirectWay(`provider ${provider} has no way to pass one through`);
}

/** How the command is run: with the terminal (a TTY it gets as its own), or with `-T` (pipes, never a TTY). */
export interface DirectOptions {
  terminal: boolean;
}

// The unit's place from its daemon. A daemon of an earlier compute, still running, has no such route: exec then goes
// through its command API as before (the unit itself exists: the caller found it).
async function placeFrom(client: SandboxClient, name: string): Promise<UnitPlace> {
  try {
    return await client.unitPlace(name);
  } catch (error) {
    if (error instanceof SandboxApiError && error.status === 404 && error.message.startsWith('no route')) {
      throw new NoDirectWay('the running daemon predates it; compute down and up start a current one');
    }
    throw error;
  }
}

// The terminal's type belongs to the terminal the command is given, not to the one the daemon was started from.
function withTerminal(env: Record<string, string>, options: DirectOptions): Record<string, string> {
  const term = process.env.TERM;
  return options.terminal && process.stdin.isTTY && term ? { ...env, TERM: term } : env;
}

async function onThisMachine(target: HostTarget, place: UnitPlace, argv: string[], options: DirectOptions): Promise<DirectCommand> {
  // The daemon confined the folder to its root; the root this project names must hold it too.
  const root = target.root || readDaemonInfo(target.stateDir)?.root;
  if (root && !isInside(await realpath(root), place.cwd)) throw new Error(`the unit's folder ${place.cwd} is outside the sandbox root ${root}`);
  // Only root may become another user; the same user needs no change (and a failed setuid is an error, not a skip).
  const own = process.getuid?.();
  const user = place.uid !== undefined && place.uid !== own ? { uid: place.uid, gid: place.gid ?? place.uid } : {};
  const [file, ...args] = argv as [string, ...string[]];
  return { file, args, cwd: place.cwd, env: withTerminal(place.env, options), ...user };
}

async function inBwrap(target: HostTarget, client: SandboxClient, unit: UnitState, argv: string[], options: DirectOptions): Promise<DirectCommand> {
  if (unit.spec.user !== undefined) throw new NoDirectWay(`in a bwrap sandbox, only for a unit without a user; ${unit.name} runs as ${unit.spec.user}`);
  const entry = readEntries(target.stateDir).find((recorded) => recorded.provider === 'bwrap');
  if (!entry) throw new NoDirectWay('no bwrap sandbox is recorded to enter');
  const manager = await loadProvider('bwrap', target.sandbox?.options ?? {}, target.projectDir);
  const sandbox = await manager.getById(entry.id);
  if (!sandbox?.getInstance) throw new Error(`sandbox ${entry.id} (provider bwrap) is gone`);
  // The daemon runs inside the sandbox with / as its root: its place is a path and an environment in there.
  const place = await placeFrom(client, unit.name);
  const { enterArgs } = await import('../providers/bwrap/enter.js');
  const native = sandbox.getInstance() as Parameters<typeof enterArgs>[0];
  // $1 is the unit's folder inside the sandbox; the rest is the command, run as given.
  const inside = ['/bin/sh', '-c', 'cd -- "$1" || exit 1; shift; exec "$@"', 'compute', place.cwd, ...argv];
  return { file: 'nsenter', args: enterArgs(native, withTerminal(place.env, options), inside) };
}
