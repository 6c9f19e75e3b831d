// Real child processes writing into a log store's spools, and their cleanup after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { LogStore } from '../../../src/daemon/logs/index.js';
import { isAlive } from '../../helpers/procs.js';

/** The fixture that prints (see its header for the modes). */
export const CHATTY = fileURLToPath(new URL('../../fixtures/procs/chatty.mjs', import.meta.url));

const children: ChildProcess[] = [];
const stores: LogStore[] = [];
const pids: number[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

/** Closes `store` after the current test (closing twice is harmless). */
export function track<T extends LogStore>(store: T): T {
  stores.push(store);
  return store;
}

/** Kills the process `pid` after the current test if it is still alive (a child of another process). */
export function trackPid(pid: number): void {
  pids.push(pid);
}

/** Spawns the chatty fixture with the unit's spools as its stdout and stderr, as the supervisor does. */
export async function spawnUnit(store: LogStore, unit: string, args: string[]): Promise<ChildProcess> {
  const spool = await store.openSpool(unit);
  try {
    const child = spawn(process.execPath, [CHATTY, ...args], { stdio: ['pipe', spool.stdout, spool.stderr] });
    children.push(child);
    await once(child, 'spawn');
    return child;
  } finally {
    closeSync(spool.stdout);
    closeSync(spool.stderr);
  }
}

/** Sends a command to a child running `chatty.mjs script`. */
export function send(child: ChildProcess, command: string): void {
  child.stdin!.write(`${command}\n`);
}

/** Resolves with the exit code once `child` has exited. */
export async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** The numbers N of `tick N` lines, checking that they run from 0 to their highest without a gap. */
export function tickNumbers(texts: string[]): { highest: number; gaps: number[] } {
  const seen = new Set(texts.map((text) => Number(/^tick (\d+)$/.exec(text)?.[1] ?? NaN)));
  const highest = Math.max(...[...seen].filter(Number.isFinite));
  const gaps: number[] = [];
  for (let n = 0; n <= highest; n++) if (!seen.has(n)) gaps.push(n);
  return { highest, gaps };
}
