// `compute ps` on real projects: the built CLI spawned in a temp copy of a fixture project.
import { connect as connectTcp } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { UnitRow } from '../../src/cli/output/units.js';
import { isAlive } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';
import { bringUp, copyProject, projectClient, runCli } from './project-harness.js';

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('compute ps', () => {
  it('lists the file units as "not created" when the daemon is not running (exit 0)', async () => {
    const dir = copyProject('three-tier');
    const table = await runCli(dir, ['ps']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +KIND +STATUS +HEALTH +UPTIME +PID +PORT +URL +RESTARTS$/);
    expect(lines.slice(1).map((line) => line.split(/ {2,}/).slice(0, 3))).toEqual([
      ['db', 'service', 'not created'],
      ['api', 'server', 'not created'],
      ['web', 'server', 'not created'],
    ]);
    expect(table.stderr).toContain('not running');

    const json = await runCli(dir, ['ps', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(
      ['db', 'api', 'web'].map((name) => ({
        name,
        kind: name === 'db' ? 'service' : 'server',
        status: 'not created',
        healthy: null,
        pid: null,
        port: null,
        url: null,
        restart_count: null,
        exit_code: null,
        last_exit: null,
        next_restart_at: null,
        next_restart_in_ms: null,
        reason: null,
        message: null,
        started_at: null,
        uptime_ms: null,
        rss_bytes: null,
        cpu_percent: null,
      })),
    );
  });

  it('shows every unit ready in dependency order, with live pids and ports that answer', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    // web has no health check: it is ready once it runs, and its port is detected a moment later.
    const client = await projectClient(dir);
    try {
      await waitFor(async () => (await client.units()).every((unit) => unit.port !== undefined), { what: 'every port detected' });
    } finally {
      await client.close();
    }

    const json = await runCli(dir, ['ps', '--json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as UnitRow[];
    expect(rows.map((row) => [row.name, row.kind, row.status])).toEqual([
      ['db', 'service', 'ready'],
      ['api', 'server', 'ready'],
      ['web', 'server', 'ready'],
    ]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['cpu_percent', 'exit_code', 'healthy', 'kind', 'last_exit', 'message', 'name', 'next_restart_at', 'next_restart_in_ms', 'pid', 'port', 'reason', 'restart_count', 'rss_bytes', 'started_at', 'status', 'uptime_ms', 'url']);
      expect(row.restart_count).toBe(0);
      expect(isAlive(row.pid as number), `${row.name} pid ${row.pid}`).toBe(true);
      // Measured by the daemon: a live process holds memory; its uptime runs from its recorded start.
      expect(row.rss_bytes, row.name).toBeGreaterThan(0);
      expect(row.cpu_percent, row.name).toBeGreaterThanOrEqual(0);
      expect(row.uptime_ms, row.name).toBeGreaterThanOrEqual(0);
      expect(Date.now() - Date.parse(row.started_at as string)).toBeGreaterThanOrEqual(row.uptime_ms as number);
    }
    // db has a log-line check, api an HTTP one, web none.
    expect(rows.map((row) => row.healthy)).toEqual([true, true, null]);
    const api = rows[1] as UnitRow;
    expect(api.url).toBe(`http://localhost:${api.port}`);
    expect(await (await fetch(`http://127.0.0.1:${api.port}/ps-test`)).text()).toBe('api\n');
    expect(await tcpAnswers(rows[0]?.port as number)).toBe(true);

    const table = await runCli(dir, ['ps']);
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    const cells = table.stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/ {2,}/));
    expect(cells).toEqual(
      rows.map((row) => [row.name, row.kind, 'ready', row.healthy ? 'healthy' : '-', expect.stringMatching(/^\d+[smhd]$/), String(row.pid), String(row.port), row.url ?? '-', '0']),
    );
  });

  it('lists units the daemon has that the file no longer names, after the file\'s own', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir, ['db']);
    const client = await projectClient(dir);
    try {
      const [db] = await client.units();
      // A unit of this project that the file does not name (as after a rename in compute.yaml).
      await client.applyUnits([{ ...db!.spec, name: 'old-cache', command: db!.spec.command }]);
    } finally {
      await client.close();
    }
    const rows = JSON.parse((await runCli(dir, ['ps', '--json'])).stdout) as UnitRow[];
    expect(rows.map((row) => [row.name, row.status])).toEqual([
      ['db', 'ready'],
      ['api', 'not created'],
      ['web', 'not created'],
      ['old-cache', 'stopped'],
    ]);
  });

  it('is a usage error (exit 2) with an unknown option', async () => {
    const dir = copyProject('three-tier');
    const result = await runCli(dir, ['ps', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('compute: unknown option --bogus for compute ps (compute ps --help lists them)\n');
  });
});
