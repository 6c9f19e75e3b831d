// `compute down` on real projects: reverse dependency order, nothing left running (the daemon too), a broken file,
// --timeout, and a daemon shared with another project.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UnitRow } from '../../src/cli/output/units.js';
import { pidAlive } from '../../src/contract/discovery.js';
import { PROJECT_LABEL, type UnitEvent } from '../../src/contract/unit.js';
import type { SandboxClient } from '../../src/sdk/index.js';
import { processGroupMembers } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';
import { bringUp, copyProject, daemonPid, projectClient, runCli } from './project-harness.js';

// Records the daemon's `→ stopped` events until its stream ends (the daemon exits) or `signal` aborts. Resolves
// once the stream's first item (the snapshot) has arrived, so no later event can be missed.
async function recordStops(client: SandboxClient, signal: AbortSignal): Promise<{ stops: UnitEvent[]; ended: Promise<void> }> {
  const stops: UnitEvent[] = [];
  const iterator = client.events(signal)[Symbol.asyncIterator]();
  await iterator.next();
  const ended = (async () => {
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (next.value.type === 'event' && next.value.event.to === 'stopped') stops.push(next.value.event);
      }
    } catch {
      // the daemon closed the connection as it exited
    }
  })();
  return { stops, ended };
}

async function unitPids(client: SandboxClient): Promise<number[]> {
  return (await client.units()).flatMap((unit) => (unit.pid === undefined ? [] : [unit.pid]));
}

describe('compute down', () => {
  it('stops dependents before their needs, removes every unit, stops the daemon, and leaves no process', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    const daemon = daemonPid(dir) as number;
    const client = await projectClient(dir);
    const controller = new AbortController();
    try {
      const pids = await unitPids(client);
      expect(pids).toHaveLength(3);
      const { stops, ended } = await recordStops(client, controller.signal);

      const result = await runCli(dir, ['down']);
      expect(result).toMatchObject({ code: 0, stdout: 'removed: web, api, db\nstopped the sandbox daemon\n', stderr: '' });
      await waitFor(() => stops.length === 3, { what: 'three stop events' });
      expect(stops.map((event) => event.unit)).toEqual(['web', 'api', 'db']);
      const times = stops.map((event) => Date.parse(event.ts));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      controller.abort();
      await ended;

      expect(pidAlive(daemon)).toBe(false);
      for (const pid of pids) expect(processGroupMembers(pid), `unit pid ${pid}`).toEqual([]);
    } finally {
      controller.abort();
      await client.close();
    }
    const after = await runCli(dir, ['ps', '--json']);
    expect((JSON.parse(after.stdout) as UnitRow[]).map((row) => row.status)).toEqual(['not created', 'not created', 'not created']);
  });

  it('still cleans up when the compose file is broken, warning about its errors', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    const daemon = daemonPid(dir) as number;
    const client = await projectClient(dir);
    const pids = await unitPids(client).finally(() => client.close());
    // No readable name: the project is the one whose units the daemon holds.
    writeFileSync(join(dir, 'compute.yaml'), 'servers: {api: [\n');

    const ps = await runCli(dir, ['ps', '--json']);
    expect(ps.code).toBe(0);
    expect((JSON.parse(ps.stdout) as UnitRow[]).map((row) => [row.name, row.status])).toEqual([
      ['db', 'ready'],
      ['api', 'ready'],
      ['web', 'ready'],
    ]);

    const result = await runCli(dir, ['down']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^compute: warning: the config has errors/);
    expect(result.stderr).toMatch(/compute\.yaml:\d+:\d+: warning: /);
    expect(result.stdout).toBe('removed: web, api, db\nstopped the sandbox daemon\n');
    expect(pidAlive(daemon)).toBe(false);
    for (const pid of pids) expect(processGroupMembers(pid)).toEqual([]);
  });

  it('names the units still stopping after --timeout (exit 1); the daemon finishes, and down again completes', async () => {
    const dir = copyProject('slow-stop');
    await bringUp(dir);
    const client = await projectClient(dir);
    const [pid] = await unitPids(client).finally(() => client.close());

    const hurried = await runCli(dir, ['down', '--timeout', '300']);
    expect(hurried.code).toBe(1);
    expect(hurried.stderr).toBe('compute: not stopped after 300 ms: stubborn (the daemon goes on stopping them; run compute down again to remove them)\n');

    const patient = await runCli(dir, ['down']);
    expect(patient).toMatchObject({ code: 0, stdout: 'removed: stubborn\nstopped the sandbox daemon\n' });
    expect(processGroupMembers(pid as number)).toEqual([]);
  });

  it('keeps the daemon running while it has units of another project', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir, ['db']);
    const client = await projectClient(dir);
    try {
      const db = (await client.unit('db'))!;
      await client.applyUnits([{ ...db.spec, name: 'elsewhere', labels: { [PROJECT_LABEL]: 'other' } }]);
      const result = await runCli(dir, ['down']);
      expect(result).toMatchObject({ code: 0, stdout: 'removed: db\nthe sandbox daemon keeps running: it has units of other\n' });
      expect((await client.units()).map((unit) => unit.name)).toEqual(['elsewhere']);
      expect(pidAlive(daemonPid(dir) as number)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('has nothing to do when the daemon is not running (exit 0)', async () => {
    const dir = copyProject('three-tier');
    const result = await runCli(dir, ['down']);
    expect(result).toMatchObject({ code: 0, stdout: "nothing to do: the project's sandbox daemon is not running\n", stderr: '' });
  });
});
