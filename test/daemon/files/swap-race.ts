// A racer for confinement tests: a child process that keeps swapping ROOT/d between a folder and a symlink to outside.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const SWAPPER = new URL('./fixtures/swapper.mjs', import.meta.url).pathname;

/** What the outside folder's file holds: a read that returns it has left the root. */
export const SECRET = 'the host secret';

const running = new Set<ChildProcess>();

afterEach(async () => {
  for (const child of running) await stop(child);
});

async function stop(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A sandbox root (new unless given) with a folder `d` holding f.txt, and an outside folder with f.txt holding SECRET. */
export function raceFolders(root = tempDir('compute-race-root-')): { root: string; outside: string } {
  const outside = tempDir('compute-race-outside-');
  mkdirSync(join(root, 'd'));
  writeFileSync(join(root, 'd', 'f.txt'), 'inside');
  writeFileSync(join(outside, 'f.txt'), SECRET);
  return { root, outside };
}

/** Starts the swapper on `root` and waits for its first swap; the returned function stops it (so does the test's end). */
export async function startSwapper(root: string, outside: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [SWAPPER, root, outside], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('ready') || child.exitCode !== null, { what: 'the swapper to start', intervalMs: 5 });
  if (!output.includes('ready')) throw new Error(`the swapper exited with ${child.exitCode}`);
  return () => stop(child);
}

/** Runs `task(i)` for i in 0..count-1, `width` at a time, and counts the ones that threw. */
export async function inLanes(count: number, width: number, task: (i: number) => Promise<void>): Promise<{ failed: number }> {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await task(i).catch(() => failed++);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return { failed };
}
