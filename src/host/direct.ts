// `compute exec` with the terminal passed through: a program started by the CLI itself, in a unit's place (its folder,
// its environment without the markers that would make it one of the unit's processes), with stdin, stdout and stderr
// inherited, so a TTY stays a TTY and a pipe a pipe. Where the units run decides how: on this machine (`local`), or
// inside a bwrap sandbox through nsenter. A cloud sandbox has no such way in: there exec goes through its API.
import { realpath, stat } from 'node:fs/promises';
import { isInside, sandboxToHost } from '../contract/paths.js';
import { readDaemonInfo } from '../contract/discovery.js';
import type { UnitState } from '../contract/unit.js';
import { commandEnvironmentOf, lookupUser } from '../contract/environment.js';
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
export async function directCommand(target: HostTarget, unit: UnitState, argv: string[]): Promise<DirectCommand> {
  const provider = providerOf(target);
  if (provider === 'local') return onThisMachine(target, unit, argv);
  if (provider === 'bwrap') return inBwrap(target, unit, argv);
  throw new NoDirectWay(`provider ${provider} has no way to pass a terminal through`);
}

/** The variables a unit's process has beyond the file's: its PORT (the spec's env already holds REPLICA). */
function unitVariables(unit: UnitState): Record<string, string> {
  return { ...unit.spec.env, ...(unit.port === undefined ? {} : { PORT: String(unit.port) }) };
}

async function onThisMachine(target: HostTarget, unit: UnitState, argv: string[]): Promise<DirectCommand> {
  const root = target.root || readDaemonInfo(target.stateDir)?.root;
  if (!root) throw new NoDirectWay('the sandbox root is unknown');
  const cwd = await realpath(sandboxToHost(root, unit.spec.cwd)).catch(() => undefined);
  // The local sandbox runs its units as you, unisolated: a check of where the folder really is suffices here.
  if (!cwd || !(await stat(cwd)).isDirectory()) throw new Error(`unit ${unit.name}'s folder ${unit.spec.cwd} does not exist in the sandbox`);
  if (!isInside(await realpath(root), cwd)) throw new Error(`unit ${unit.name}'s folder ${unit.spec.cwd} leads out of the sandbox root`);
  const user = unit.spec.user === undefined ? undefined : lookupUser(unit.spec.user);
  if (unit.spec.user !== undefined && !user) throw new Error(`unit ${unit.name}'s user "${unit.spec.user}" does not exist`);
  const env = commandEnvironmentOf({ inherited: process.env, envFile: {}, spec: unitVariables(unit), ...(user ? { user } : {}) });
  const [file, ...args] = argv as [string, ...string[]];
  return { file, args, cwd, env, ...(user ? { uid: user.uid, gid: user.gid } : {}) };
}

async function inBwrap(target: HostTarget, unit: UnitState, argv: string[]): Promise<DirectCommand> {
  if (unit.spec.user !== undefined) throw new NoDirectWay(`unit ${unit.name} runs as user ${unit.spec.user}`);
  const entry = readEntries(target.stateDir).find((recorded) => recorded.provider === 'bwrap');
  if (!entry) throw new NoDirectWay('no bwrap sandbox is recorded');
  const manager = await loadProvider('bwrap', target.sandbox?.options ?? {}, target.projectDir);
  const sandbox = await manager.getById(entry.id);
  if (!sandbox?.getInstance) throw new Error(`sandbox ${entry.id} (provider bwrap) is gone`);
  const { enterArgs } = await import('../providers/bwrap/enter.js');
  const native = sandbox.getInstance() as Parameters<typeof enterArgs>[0];
  // $1 is the unit's folder inside the sandbox; the rest is the command, run as given.
  const inside = ['/bin/sh', '-c', 'cd -- "$1" || exit 1; shift; exec "$@"', 'compute', unit.spec.cwd, ...argv];
  return { file: 'nsenter', args: enterArgs(native, unitVariables(unit), inside) };
}
