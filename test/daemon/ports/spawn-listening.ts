// Test helpers for ports: a fixture process started in its own process group (waiting for its `listening PORT`
// line, and killing the whole group after each test), and a port nothing listens on.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { processGroupMembers } from '../../helpers/procs.js';
import { waitFor } from '../../helpers/wait.js';

/** Absolute path of a fixture program under test/fixtures/procs/. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/procs/${name}`, import.meta.url));

/** A running fixture: its pid (which is also its process group id) and the port it printed. */
export interface Listening {
  child: ChildProcess;
  pid: number;
  port: number;
}

const started: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map(killGroup));
});

/** SIGKILLs the child's process group and waits until no member of it is left. */
export async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
  await exited;
  await waitFor(() => processGroupMembers(pid).length === 0, { what: `process group ${pid} to end` });
}

/** Spawns `command args` in a new process group and resolves once it printed `listening PORT`. */
export async function spawnListening(command: string, args: string[], env: Record<string, string> = {}): Promise<Listening> {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const { port } = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}: ${output}`);
      const match = /listening (\d+)/.exec(output);
      return match ? { port: Number(match[1]) } : undefined;
    },
    { what: `${command} ${args.join(' ')} to listen` },
  );
  return { child, pid: child.pid as number, port };
}

/** A port that was listened on a moment ago and is closed now (the OS picked it). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
