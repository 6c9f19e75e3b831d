// `compute top` and what `ps` says of a unit's process, on real projects: the built CLI spawned as a user would.
import { describe, expect, it } from 'vitest';
import type { TopRow } from '../../src/cli/output/top.js';
import type { UnitRow } from '../../src/cli/output/units.js';
import { waitFor } from '../helpers/wait.js';
import { runCli, writeProject } from './project-harness.js';

const MiB = 1024 * 1024;

// busy spins one core; idle sleeps; holder is a sleep whose child fills 64 MiB (every page written, so resident).
const PROJECT = `name: shop
servers:
  busy:
    start: exec node -e "for (;;) {}"
    min_uptime_ms: 0
  idle:
    start: exec sleep 600
    min_uptime_ms: 0
  holder:
    start: node -e "const b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => b[0]++, 60000)" & exec sleep 600
    min_uptime_ms: 0
  later:
    start: exec sleep 600
`;

async function top(dir: string, args: string[] = []): Promise<TopRow[]> {
  const result = await runCli(dir, ['top', '--json', ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as TopRow[];
}

describe('compute top', () => {
  it("prints each running unit's CPU and memory, summed over its processes", async () => {
    const dir = writeProject(PROJECT);
    expect((await runCli(dir, ['up', '-d', 'busy', 'idle', 'holder'])).code).toBe(0);
    // About 100 % and 0 % in truth: thresholds with wide margins for a loaded 2-core machine, a busy sample waited for.
    const rows = await waitFor(
      async () => {
        const found = await top(dir);
        const of = (name: string) => found.find((row) => row.name === name);
        return (of('busy')?.cpu_percent ?? 0) > 20 && (of('holder')?.rss_bytes ?? 0) > 64 * MiB ? found : undefined;
      },
      { timeoutMs: 30_000, what: 'busy to use CPU and holder its child\'s 64 MiB' },
    );
    // In start order (here the file's), only what runs: `later` was not brought up.
    expect(rows.map((row) => [row.name, row.processes])).toEqual([
      ['busy', 1],
      ['idle', 1],
      ['holder', 2],
    ]);
    expect(rows[1]?.cpu_percent).toBeLessThan(5);
    const ps = JSON.parse((await runCli(dir, ['ps', '--json'])).stdout) as UnitRow[];
    expect(rows.map((row) => row.pid)).toEqual(ps.filter((row) => row.pid !== null).map((row) => row.pid));
    expect(ps.find((row) => row.name === 'holder')?.rss_bytes).toBeGreaterThan(64 * MiB);

    const table = await runCli(dir, ['top', 'idle', 'later']);
    expect(table.code).toBe(0);
    const [header, ...lines] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME +PID +CPU % +RSS \(MiB\) +PROCS$/);
    expect(lines.map((line) => line.split(/ {2,}/))).toEqual([['idle', String(rows[1]?.pid), expect.stringMatching(/^\d+\.\d$/), expect.stringMatching(/^\d+\.\d$/), '1']]);

    const unknown = await runCli(dir, ['top', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no such unit: nope');
  });

  it('lists nothing, exit 0, when the project\'s daemon is not running', async () => {
    const dir = writeProject(PROJECT);
    const table = await runCli(dir, ['top']);
    expect(table).toMatchObject({ code: 0, stdout: 'NAME  PID  CPU %  RSS (MiB)  PROCS\n' });
    expect(table.stderr).toContain('not running');
    expect(await top(dir)).toEqual([]);
  });
});

describe('compute ps, of a unit\'s process', () => {
  it('shows how long it has run, and when its stop came to SIGKILL', async () => {
    const dir = writeProject(`name: shop
servers:
  stubborn:
    start: exec node -e "process.on('SIGTERM', () => console.log('ignored')); setInterval(() => {}, 60000)"
    min_uptime_ms: 0
    stop_timeout_ms: 300
`);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const running = (await runCli(dir, ['ps'])).stdout.split('\n')[1] ?? '';
    expect(running).toMatch(/^stubborn +server +ready +- +\d+s +\d+ /);

    expect((await runCli(dir, ['stop', 'stubborn'])).code).toBe(0);
    const stopped = (await runCli(dir, ['ps'])).stdout.split('\n')[1] ?? '';
    expect(stopped).toMatch(/^stubborn +server +stopped \(killed after stop_timeout_ms\) +- +- +- /);
    const [row] = JSON.parse((await runCli(dir, ['ps', '--json'])).stdout) as UnitRow[];
    expect(row).toMatchObject({ status: 'stopped', reason: { kind: 'stopped', by: 'request', killed: true }, message: 'stopped (killed after stop_timeout_ms)', pid: null, started_at: null, uptime_ms: null, rss_bytes: null, cpu_percent: null });
  });
});
