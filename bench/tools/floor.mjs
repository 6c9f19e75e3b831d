// The physical floor: the same fixture processes spawned directly by this (already running) Node process, no
// supervisor in between; what any tool's figure is compared with.
import { spawn } from 'node:child_process';
import { exited, waitPorts } from '../lib/util.mjs';

/** Spawns one listener on `port`; resolves once it has been spawned. */
export function spawnListener(listener, port) {
  const child = spawn(listener, [], { env: { PORT: String(port) }, stdio: 'ignore', detached: true });
  return child;
}

/**
 * Starts every unit as soon as its needs accept connections (all at once without needs), and resolves once every
 * port accepts. Returns the children for teardown.
 */
export async function floorUp(listener, units) {
  const children = [];
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const up = new Map();
  const started = (unit) => {
    let promise = up.get(unit.name);
    if (!promise) {
      promise = Promise.all((unit.needs ?? []).map((need) => started(byName.get(need)))).then(async () => {
        children.push(spawnListener(listener, unit.port));
        await waitPorts([unit.port]);
      });
      up.set(unit.name, promise);
    }
    return promise;
  };
  if (units.some((unit) => unit.needs?.length)) await Promise.all(units.map(started));
  else {
    for (const unit of units) children.push(spawnListener(listener, unit.port));
    await waitPorts(units.map((unit) => unit.port));
  }
  return children;
}

/** Ends the floor's children and waits for each to exit. */
export async function floorDown(children) {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
}
