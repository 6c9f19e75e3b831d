// The pure parts of ps, top, start/stop/restart and logs: rows and their order, unit selection, outcomes, -f, merging.
import { describe, expect, it } from 'vitest';
import { disambiguateF } from '../../src/cli/commands/logs.js';
import { formatLogLine, mergeByTime } from '../../src/cli/output/logs.js';
import { outcomesOf, renderOutcomes } from '../../src/cli/output/settle.js';
import { stylerFor } from '../../src/cli/output/style.js';
import { selectUnits, targetName } from '../../src/cli/target.js';
import { formatUptime, healthOf, renderUnitTable, unitOrder, unitRows } from '../../src/cli/output/units.js';
import { PROJECT_LABEL, type UnitSpec, type UnitState } from '../../src/contract/unit.js';
import type { UnitStats } from '../../src/contract/wire.js';
import { formatMiB, renderTopTable, topRows } from '../../src/cli/output/top.js';

const plain = stylerFor({ isTTY: false, env: {} });

function spec(name: string, needs: string[] = [], kind: UnitSpec['kind'] = 'server', project = 'shop'): UnitSpec {
  return {
    name,
    kind,
    command: 'true',
    cwd: '/',
    strictPort: false,
    env: {},
    restartPolicy: 'never',
    maxRestarts: 0,
    restartDelayMs: 0,
    stopTimeoutMs: 1000,
    needs: Object.fromEntries(needs.map((need) => [need, { condition: 'healthy', restart: false }])),
    overlays: [],
    labels: { [PROJECT_LABEL]: project },
    hash: 'h',
  };
}

function state(unit: UnitSpec, patch: Partial<UnitState> = {}): UnitState {
  return {
    name: unit.name,
    kind: unit.kind,
    spec: unit,
    status: 'ready',
    exitCode: null,
    restartCount: 0,
    consecutiveFailures: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...patch,
  };
}

// A file naming web → api → db (needs), listed in an order that is not the start order.
const file = { units: { web: spec('web', ['api']), api: spec('api', ['db']), db: spec('db', [], 'service') } };

describe('unitOrder and unitRows', () => {
  it('orders the file\'s units by needs, then the daemon\'s units the file no longer names, by their own needs', () => {
    const extra = [state(spec('zeta')), state(spec('old', ['zeta'])), state(spec('alpha'))];
    expect(unitOrder(file, [state(file.units.api), ...extra])).toEqual(['db', 'api', 'web', 'zeta', 'alpha', 'old']);
    expect(unitOrder(undefined, extra)).toEqual(['zeta', 'alpha', 'old']);
  });

  it('falls back to name order for daemon units whose needs form a cycle', () => {
    const cyclic = [state(spec('b', ['a'])), state(spec('a', ['b']))];
    expect(unitOrder(undefined, cyclic)).toEqual(['a', 'b']);
  });

  it('reports file units the daemon lacks as not created, and hides the process fields of units at rest', () => {
    const rows = unitRows(file, [
      state(file.units.db, { pid: 10, port: 5432, url: 'http://localhost:5432', healthy: true, healthStatus: 'healthy' }),
      state(file.units.api, { status: 'failed', pid: 11, port: 3000, url: 'http://localhost:3000', exitCode: 3, restartCount: 2, healthy: false, reason: { kind: 'exited', exit: { code: 3, signal: null } } }),
    ]);
    expect(rows).toEqual([
      { name: 'db', kind: 'service', status: 'ready', healthy: true, pid: 10, port: 5432, url: 'http://localhost:5432', restart_count: 0, exit_code: null, last_exit: null, next_restart_at: null, next_restart_in_ms: null, reason: null, message: null, started_at: null, uptime_ms: null, rss_bytes: null, cpu_percent: null },
      // The reason as data, and in words beside it.
      { name: 'api', kind: 'server', status: 'failed', healthy: null, pid: null, port: null, url: null, restart_count: 2, exit_code: 3, last_exit: { code: 3, signal: null }, next_restart_at: null, next_restart_in_ms: null, reason: { kind: 'exited', exit: { code: 3, signal: null } }, message: 'exited with code 3', started_at: null, uptime_ms: null, rss_bytes: null, cpu_percent: null },
      { name: 'web', kind: 'server', status: 'not created', healthy: null, pid: null, port: null, url: null, restart_count: null, exit_code: null, last_exit: null, next_restart_at: null, next_restart_in_ms: null, reason: null, message: null, started_at: null, uptime_ms: null, rss_bytes: null, cpu_percent: null },
    ]);
    expect(renderUnitTable(rows, () => '-', plain)).toBe(
      [
        'NAME  KIND     STATUS           HEALTH  UPTIME  PID  PORT  URL                    RESTARTS',
        'db    service  ready            -       -       10   5432  http://localhost:5432  0',
        'api   server   failed (exit 3)  -       -       -    -     -                      2',
        'web   server   not created      -       -       -    -     -                      -',
        '',
      ].join('\n'),
    );
  });

  it('shows a restarting unit\'s last exit and the time until its next attempt (issue 13: ps said only restarting)', () => {
    const next = new Date(Date.now() + 5000).toISOString();
    const reason = { kind: 'restarting', exit: { code: null, signal: 'SIGSEGV' }, delay_ms: 5000, next_attempt_at: next } as const;
    const [row] = unitRows(undefined, [state(file.units.api, { status: 'restarting', exitCode: null, restartCount: 4, reason })]);
    expect(row).toMatchObject({ status: 'restarting', last_exit: { code: null, signal: 'SIGSEGV' }, next_restart_at: next });
    expect(row?.next_restart_in_ms).toBeGreaterThan(3000);
    expect(row?.next_restart_in_ms).toBeLessThanOrEqual(5000);
    expect(renderUnitTable([row!], () => '-', plain)).toMatch(/restarting \(SIGSEGV, next in [345](\.\d)? s\)/);
  });

  it('shows how long a unit\'s process has run, and what it uses when the daemon measured it; nothing between processes', () => {
    const now = Date.parse('2025-01-01T01:00:00.000Z');
    const usage = new Map([
      ['db', { rss_bytes: 5 * 1024 * 1024, cpu_ms: 90_000 }],
      ['api', { rss_bytes: 1, cpu_ms: 1 }],
    ]);
    const reason = { kind: 'restarting', exit: { code: 1, signal: null }, delay_ms: 5000, next_attempt_at: '2025-01-01T01:00:05.000Z' } as const;
    const rows = unitRows(file, [
      state(file.units.db, { pid: 10, startedAt: '2025-01-01T00:45:00.000Z' }),
      // Restarting: its last process's start is kept by the daemon, but no process runs now.
      state(file.units.api, { status: 'restarting', startedAt: '2025-01-01T00:59:00.000Z', reason }),
    ], usage, now);
    expect(rows.map((row) => [row.name, row.started_at, row.uptime_ms, row.rss_bytes, row.cpu_percent])).toEqual([
      // 90 s of CPU in 15 min: 10 % on average.
      ['db', '2025-01-01T00:45:00.000Z', 15 * 60_000, 5 * 1024 * 1024, 10],
      ['api', null, null, null, null],
      ['web', null, null, null, null],
    ]);
    expect(renderUnitTable(rows, () => '-', plain).split('\n')[1]).toMatch(/^db +service +ready +- +15m +10 /);
  });

  it('says when a stop came to SIGKILL (the reason has killed: true)', () => {
    const killed = { kind: 'stopped', by: 'request', killed: true } as const;
    const rows = unitRows(undefined, [state(file.units.api, { status: 'stopped', reason: killed }), state(file.units.db, { status: 'stopped', reason: { kind: 'stopped', by: 'request' } })]);
    expect(rows.map((row) => row.message)).toEqual(['stopped', 'stopped (killed after stop_timeout_ms)']);
    const table = renderUnitTable(rows, () => '-', plain);
    expect(table).toContain('api   server   stopped (killed after stop_timeout_ms)  ');
    expect(table).toMatch(/\ndb +service +stopped +- /);
  });

  it.each([
    [0, '0s'],
    [999, '0s'],
    [12_500, '12s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [4 * 60_000 + 59_000, '4m'],
    [3_599_999, '59m'],
    [3_600_000, '1h'],
    [2 * 3_600_000 + 59 * 60_000, '2h'],
    [86_399_999, '23h'],
    [86_400_000, '1d'],
    [3 * 86_400_000 + 5 * 3_600_000, '3d'],
    [400 * 86_400_000, '400d'],
    [-5, '0s'],
  ])('formatUptime(%d) is %s', (ms, text) => {
    expect(formatUptime(ms)).toBe(text);
  });

  it.each([
    [{ status: 'ready', healthStatus: 'healthy', healthy: true }, 'healthy'],
    [{ status: 'running', healthStatus: 'checking' }, 'checking'],
    [{ status: 'running', healthy: false }, 'unhealthy'],
    [{ status: 'ready' }, '-'],
    [{ status: 'stopped', healthStatus: 'healthy', healthy: true }, '-'],
    [undefined, '-'],
  ] as const)('healthOf(%j) is %s', (unit, expected) => {
    expect(healthOf(unit as Parameters<typeof healthOf>[0])).toBe(expected);
  });
});

describe('selectUnits', () => {
  const ours = [state(file.units.web), state(file.units.db), state(spec('old'))];

  it.each([
    [[], ['db', 'web', 'old']],
    [['web', 'db'], ['db', 'web']],
    [['old'], ['old']],
  ])('%j selects %j, in start order', (names, expected) => {
    expect(selectUnits(file, ours, names)).toEqual(expected);
  });

  it.each([
    [['nope', 'web'], false, 'no such unit: nope (the project has db, api, web, old)'],
    [['api'], false, 'unit api does not exist yet: run compute up'],
    [['api', 'web', 'ghost'], false, 'no such unit: ghost (the project has db, api, web, old)'],
  ])('%j is a usage error: %s', (names, skip, message) => {
    expect(() => selectUnits(file, ours, names, skip)).toThrow(expect.objectContaining({ exitCode: 2, message }));
  });

  it('names every missing unit at once, and skips them for stop', () => {
    expect(() => selectUnits(file, [], ['api', 'web'])).toThrow('units api, web do not exist yet: run compute up');
    expect(selectUnits(file, ours, ['api', 'web'], true)).toEqual(['web']);
  });
});

describe('targetName', () => {
  it('takes the config\'s name, else the one project the daemon holds units of', () => {
    const units = [state(spec('a', [], 'server', 'shop')), state(spec('b', [], 'server', 'shop'))];
    expect(targetName({ stateDir: '/s', name: 'given' }, units)).toBe('given');
    expect(targetName({ stateDir: '/s' }, units)).toBe('shop');
    expect(targetName({ stateDir: '/s' }, [])).toBeUndefined();
    const mixed = [...units, state(spec('c', [], 'server', 'blog'))];
    expect(() => targetName({ stateDir: '/s' }, mixed)).toThrow('the sandbox holds units of several projects (blog, shop)');
    // A broken file's `name:` picks among the daemon's projects, and is ignored when it names none of them.
    expect(targetName({ stateDir: '/s', nameHint: 'blog' }, mixed)).toBe('blog');
    expect(targetName({ stateDir: '/s', nameHint: 'My Shop' }, units)).toBe('shop');
  });
});

describe('outcomesOf', () => {
  it('is ok for ready and completed units, and says why for the others', () => {
    const states = new Map<string, UnitState | undefined>([
      ['api', state(spec('api'), { url: 'http://localhost:3000' })],
      ['job', state(spec('job'), { status: 'completed', exitCode: 0 })],
      ['db', state(spec('db'), { status: 'failed', exitCode: 3 })],
      ['web', state(spec('web'), { status: 'failed', reason: { kind: 'need_failed', need: 'db', how: 'failed' } })],
      ['slow', state(spec('slow'), { status: 'running', reason: { kind: 'health_failing', error: '503' } })],
      ['gone', undefined],
    ]);
    const outcomes = outcomesOf(['api', 'job', 'db', 'web', 'slow', 'gone'], states, 1500);
    expect(outcomes.map((o) => [o.name, o.ok, o.problem])).toEqual([
      ['api', true, undefined],
      ['job', true, undefined],
      ['db', false, 'db failed (exit 3)'],
      ['web', false, 'web failed: dependency db failed'],
      ['slow', false, 'slow is still running after 1500 ms: health check failing: 503'],
      ['gone', false, 'gone is unknown'],
    ]);
    expect(renderOutcomes(outcomes.slice(0, 3), plain)).toBe('api  ready      http://localhost:3000\njob  completed\ndb   failed\n');
  });
});

describe('disambiguateF', () => {
  const files = new Set(['dev.conf']);
  it.each([
    [['-f'], ['--follow']],
    [['-f', 'api'], ['--follow', 'api']],
    [['-f', 'dev.yaml', '-f', 'api'], ['--file', 'dev.yaml', '--follow', 'api']],
    [['-f', 'dev.conf', '-f'], ['--file', 'dev.conf', '--follow']],
    [['-f', '--tail', '3'], ['--follow', '--tail', '3']],
    [['--file', 'x.yml', '--', '-f'], ['--file', 'x.yml', '--', '-f']],
  ])('%j → %j', (args, expected) => {
    expect(disambiguateF(args, (path) => files.has(path))).toEqual(expected);
  });
});

describe('mergeByTime and formatLogLine', () => {
  it('merges by time; lines of the same millisecond keep the units\' order, then their own', () => {
    const merged = mergeByTime([
      { name: 'a', lines: [{ ts: 1, stream: 'stdout', text: 'a1' }, { ts: 5, stream: 'stdout', text: 'a5' }, { ts: 5, stream: 'stderr', text: 'a5b' }] },
      { name: 'b', lines: [{ ts: 0, stream: 'stdout', text: 'b0' }, { ts: 5, stream: 'stdout', text: 'b5' }] },
    ]);
    expect(merged.map(({ line }) => line.text)).toEqual(['b0', 'a1', 'a5', 'a5b', 'b5']);
  });

  it('pads the name and puts the time after the bar', () => {
    const line = { ts: Date.UTC(2025, 0, 2, 3, 4, 5, 6), stream: 'stdout' as const, text: 'hello' };
    expect(formatLogLine('db', line, 5, false, plain)).toBe('db    | hello\n');
    expect(formatLogLine('db', line, 2, true, plain)).toBe('db | 2025-01-02T03:04:05.006Z hello\n');
  });
});

describe('topRows and renderTopTable', () => {
  const measured = (name: string, fields: Partial<UnitStats> = {}): UnitStats => ({ name, pid: 100, processes: 1, rss_bytes: 0, cpu_ms: 0, cpu_percent: 0, ...fields });

  it('lists the measured units in the given (start) order, leaving out those that do not run', () => {
    const stats = [measured('web', { pid: 7, cpu_percent: 99.5, rss_bytes: 150 * 1024 * 1024, processes: 3, cpu_ms: 1200 }), measured('db', { pid: 5, cpu_percent: null, rss_bytes: 1024 * 1024 + 52_429 })];
    const rows = topRows(['db', 'api', 'web'], stats);
    expect(rows).toEqual([
      { name: 'db', pid: 5, cpu_percent: null, rss_bytes: 1024 * 1024 + 52_429, processes: 1, cpu_ms: 0 },
      { name: 'web', pid: 7, cpu_percent: 99.5, rss_bytes: 150 * 1024 * 1024, processes: 3, cpu_ms: 1200 },
    ]);
    expect(renderTopTable(rows)).toBe(['NAME  PID  CPU %  RSS (MiB)  PROCS', 'db    5    -      1.1        1', 'web   7    99.5   150.0      3', ''].join('\n'));
    expect(renderTopTable([])).toBe('NAME  PID  CPU %  RSS (MiB)  PROCS\n');
  });

  it.each([
    [0, '0.0'],
    [1024 * 1024, '1.0'],
    [1536 * 1024, '1.5'],
    [10 * 1024 * 1024 * 1024, '10240.0'],
  ])('formatMiB(%d) is %s', (bytes, text) => {
    expect(formatMiB(bytes)).toBe(text);
  });
});
