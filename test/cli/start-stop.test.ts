// `compute start`, `stop` and `restart` on real projects: pids change, processes go, failures are named with logs.
import { describe, expect, it } from 'vitest';
import type { SandboxClient } from '../../src/sdk/index.js';
import { isAlive, processGroupMembers } from '../helpers/procs.js';
import { bringUp, copyProject, projectClient, runCli } from './project-harness.js';

async function pidOf(client: SandboxClient, name: string): Promise<number> {
  const pid = (await client.unit(name))?.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  return pid;
}

// `name  status  detail` lines as cells.
function outcomeLines(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
}

describe('compute stop and start', () => {
  it('stop ends the units\' processes (dependents first in the message); start brings them back with their needs', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    const client = await projectClient(dir);
    try {
      const [db, api, web] = [await pidOf(client, 'db'), await pidOf(client, 'api'), await pidOf(client, 'web')];
      const stop = await runCli(dir, ['stop', 'api', 'web']);
      expect(stop).toMatchObject({ code: 0, stdout: 'stopped: web, api\n', stderr: '' });
      expect(processGroupMembers(api)).toEqual([]);
      expect(processGroupMembers(web)).toEqual([]);
      expect(isAlive(db)).toBe(true);
      expect((await client.unit('api'))?.status).toBe('stopped');

      // web needs api: starting web starts api first.
      const start = await runCli(dir, ['start', 'web']);
      expect(start.code).toBe(0);
      expect(start.stderr).toBe('');
      // web has no health check, so it may be ready before its port (and URL) is detected.
      const lines = outcomeLines(start.stdout);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.slice(0, 2)).toEqual(['web', 'ready']);
      expect((await client.unit('api'))?.status).toBe('ready');
      expect(await pidOf(client, 'api')).not.toBe(api);
      expect(isAlive(await pidOf(client, 'web'))).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('restart gives each unit a new process and prints its URL', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    const client = await projectClient(dir);
    try {
      const before = await pidOf(client, 'api');
      const result = await runCli(dir, ['restart', 'api']);
      expect(result.code).toBe(0);
      const after = await client.unit('api');
      expect(after?.pid).not.toBe(before);
      expect(isAlive(after?.pid as number)).toBe(true);
      expect(processGroupMembers(before)).toEqual([]);
      expect(outcomeLines(result.stdout)).toEqual([['api', 'ready', `http://localhost:${after?.port}`]]);
      expect(after?.restartCount).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('start names a unit that failed (exit 1) with the last 10 lines of its logs', async () => {
    const dir = copyProject('failing-units');
    await bringUp(dir, ['crash']);
    const result = await runCli(dir, ['start', 'crash']);
    expect(result.code).toBe(1);
    expect(outcomeLines(result.stdout)).toEqual([['crash', 'failed', expect.any(String)]]);
    const shown = result.stderr.split('\n').filter((line) => line.startsWith('crash | '));
    expect(shown).toEqual(Array.from({ length: 10 }, (_, i) => `crash | crash line ${i + 3}`));
    expect(result.stderr).toMatch(/^compute: crash failed/);
  });

  it('start gives up after --timeout (exit 1), naming the unit that has not settled', async () => {
    const dir = copyProject('failing-units');
    await bringUp(dir, ['hang'], { start: false });
    const result = await runCli(dir, ['start', 'hang', '--timeout', '1500']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^compute: hang is still (pending|starting|running) after 1500 ms/);
    expect(result.stderr).toContain('hang | hanging on');
  });

  it('a unit the file names but the sandbox does not have yet is exit 2; so is an unknown one', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir, ['db']);
    const missing = await runCli(dir, ['start', 'api']);
    expect(missing).toMatchObject({ code: 2, stderr: 'compute: unit api does not exist yet: run compute up\n' });
    const unknown = await runCli(dir, ['restart', 'nope']);
    expect(unknown).toMatchObject({ code: 2, stderr: 'compute: no such unit: nope (the project has db, api, web)\n' });
    const timeout = await runCli(dir, ['start', 'db', '--timeout', 'soon']);
    expect(timeout).toMatchObject({ code: 2, stderr: 'compute: Expected --timeout to be a non-negative integer, got "soon"\n' });
  });

  it('stop with nothing running has nothing to do (exit 0)', async () => {
    const dir = copyProject('three-tier');
    const result = await runCli(dir, ['stop', 'api']);
    expect(result).toMatchObject({ code: 0, stdout: 'nothing to stop: the project has no units in its sandbox\n' });
  });
});
