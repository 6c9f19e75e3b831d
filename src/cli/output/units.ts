// The rows of `compute ps`: the project's units in dependency order, as a table or as JSON.
import type { Spec } from '../../config/index.js';
import { PROJECT_LABEL, type HealthStatus, type UnitKind, type UnitSpec, type UnitState, type UnitStatus } from '../../contract/unit.js';
import { buildGraph } from '../../contract/graph.js';
import type { ExitInfo, UnitReason } from '../../contract/reason.js';
import { ACTIVE_STATUSES } from '../../contract/status.js';
import type { UnitStats } from '../../contract/wire.js';
import { describeDelay, describeReason } from './reason.js';
import { statusColour, type Styler } from './style.js';
import { renderTable } from './table.js';

/** What `ps` reports of a unit the file names but the daemon does not have. */
export const NOT_CREATED = 'not created';

/** One unit as `ps --json` prints it: null where unknown. */
export interface UnitRow {
  name: string;
  kind: UnitKind;
  status: UnitStatus | typeof NOT_CREATED;
  healthy: boolean | null;
  pid: number | null;
  port: number | null;
  url: string | null;
  restart_count: number | null;
  exit_code: number | null;
  /** How its last process ended (code or signal), when one did. */
  last_exit: ExitInfo | null;
  /** For a restarting unit: when the next attempt is (ISO 8601), and how long until then. */
  next_restart_at: string | null;
  next_restart_in_ms: number | null;
  /** Why it is in its status, as data, and the same in words. */
  reason: UnitReason | null;
  message: string | null;
  /** While it has a process: when that process was started (ISO 8601), and how long ago. */
  started_at: string | null;
  uptime_ms: number | null;
  /** While it has a process: its process tree's resident memory, and its CPU use averaged since the start (as ps(1)
   *  computes %CPU; `compute top` measures the current use). Null also when the daemon could not say. */
  rss_bytes: number | null;
  cpu_percent: number | null;
}

/** What the daemon measured of a unit, as ps uses it. */
export type UnitUsage = Pick<UnitStats, 'rss_bytes' | 'cpu_ms'>;

/** The units of the daemon that belong to project `name` (by their `compute.project` label). */
export function projectUnits(units: readonly UnitState[], name: string): UnitState[] {
  return units.filter((unit) => unit.spec.labels[PROJECT_LABEL] === name);
}

/**
 * Unit names in start order: the file's units by their needs, then units the daemon has that the file no longer
 * names (by their own needs). Without a file, the daemon's units alone.
 */
export function unitOrder(spec: Pick<Spec, 'units'> | undefined, states: readonly UnitState[]): string[] {
  const named = spec ? startOrder(spec.units) : [];
  const inFile = new Set(named);
  const rest = states.filter((state) => !inFile.has(state.name));
  return [...named, ...startOrder(Object.fromEntries(rest.map((state) => [state.name, state.spec])))];
}

// Why the fallback: units the daemon holds may need units that are gone or form a cycle the file no longer has;
// ps must still list them rather than fail.
function startOrder(units: Record<string, Pick<UnitSpec, 'needs'>>): string[] {
  try {
    return [...buildGraph(units).startOrder];
  } catch {
    return Object.keys(units).sort();
  }
}

/**
 * The `ps` rows: every unit of the file and of the daemon, in start order; file units the daemon lacks are `not
 * created`. `usage` is what the daemon measured of the running units, by name, when it was asked.
 */
export function unitRows(spec: Pick<Spec, 'units'> | undefined, states: readonly UnitState[], usage: ReadonlyMap<string, UnitUsage> = new Map(), now = Date.now()): UnitRow[] {
  const byName = new Map(states.map((state) => [state.name, state]));
  return unitOrder(spec, states).map((name) => {
    const state = byName.get(name);
    if (state) return rowOf(state, usage.get(name), now);
    const kind = spec?.units[name]?.kind ?? 'server';
    return { name, kind, status: NOT_CREATED, healthy: null, pid: null, port: null, url: null, restart_count: null, exit_code: null, last_exit: null, next_restart_at: null, next_restart_in_ms: null, reason: null, message: null, started_at: null, uptime_ms: null, rss_bytes: null, cpu_percent: null };
  });
}

// Why only while active: the daemon keeps a stopped unit's last port and URL, which nothing answers on any more.
function rowOf(state: UnitState, usage: UnitUsage | undefined, now: number): UnitRow {
  const { reason } = state;
  const exit = reason && 'exit' in reason ? reason.exit : state.exitCode === null ? null : { code: state.exitCode, signal: null };
  const next = reason?.kind === 'restarting' && state.status === 'restarting' ? reason.next_attempt_at : null;
  const active = ACTIVE_STATUSES.has(state.status);
  return {
    name: state.name,
    kind: state.kind,
    status: state.status,
    healthy: active ? (state.healthy ?? null) : null,
    pid: active ? (state.pid ?? null) : null,
    port: active ? (state.port ?? null) : null,
    url: active ? (state.url ?? null) : null,
    restart_count: state.restartCount,
    exit_code: state.exitCode,
    last_exit: exit,
    next_restart_at: next,
    next_restart_in_ms: next === null ? null : Math.max(0, Date.parse(next) - now),
    reason: reason ?? null,
    message: reason ? describeReason(reason, now) : null,
    ...processFields(state, active ? usage : undefined, now),
  };
}

// The fields of a unit's current process: none between processes (restarting) or at rest.
function processFields(state: UnitState, usage: UnitUsage | undefined, now: number): Pick<UnitRow, 'started_at' | 'uptime_ms' | 'rss_bytes' | 'cpu_percent'> {
  const started = ACTIVE_STATUSES.has(state.status) && state.pid !== undefined && state.startedAt !== undefined ? state.startedAt : null;
  const uptime = started === null ? null : Math.max(0, now - Date.parse(started));
  const measured = started === null ? undefined : usage;
  return {
    started_at: started,
    uptime_ms: uptime,
    rss_bytes: measured?.rss_bytes ?? null,
    cpu_percent: measured && uptime ? Math.round((measured.cpu_ms / uptime) * 1000) / 10 : null,
  };
}

/** An uptime as docker's `Up 5 minutes` says it, shorter: `12s`, `4m`, `2h`, `3d` (each unit whole, rounded down). */
export function formatUptime(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** The HEALTH cell: the health check's verdict while the unit runs; `-` without a check or a process. */
export function healthOf(state: Pick<UnitState, 'status' | 'healthStatus' | 'healthy'> | undefined): HealthStatus | '-' {
  if (!state || !ACTIVE_STATUSES.has(state.status)) return '-';
  if (state.healthStatus) return state.healthStatus;
  if (state.healthy === undefined) return '-';
  return state.healthy ? 'healthy' : 'unhealthy';
}

/** The `ps` table; `health` gives the HEALTH cell of a row (from the daemon's state, which the JSON row lacks). */
export function renderUnitTable(rows: readonly UnitRow[], health: (name: string) => string, style: Styler): string {
  const header = ['NAME', 'KIND', 'STATUS', 'HEALTH', 'UPTIME', 'PID', 'PORT', 'URL', 'RESTARTS'];
  const cell = (value: number | string | null) => (value === null ? '-' : String(value));
  const body = rows.map((row) => {
    const healthCell = health(row.name);
    return [
      row.name,
      row.kind,
      style(statusColour(row.status), statusWord(row)),
      healthCell === '-' ? '-' : style(statusColour(healthCell), healthCell),
      row.uptime_ms === null ? '-' : formatUptime(row.uptime_ms),
      cell(row.pid),
      cell(row.port),
      cell(row.url),
      cell(row.restart_count),
    ];
  });
  return renderTable(header, body);
}

// A failed unit shows how it ended, `failed (exit 1)`; a restarting one also when it tries again,
// `restarting (exit 1, next in 1.9 s)`; a stop that came to SIGKILL, `stopped (killed after stop_timeout_ms)`: the
// status alone says none of them.
function statusWord(row: UnitRow): string {
  const exit = row.last_exit && (row.last_exit.signal ? row.last_exit.signal : row.last_exit.code !== null ? `exit ${row.last_exit.code}` : undefined);
  if (row.status === 'failed' && exit) return `failed (${exit})`;
  if (row.status === 'stopped' && row.reason?.kind === 'stopped' && row.reason.killed) return 'stopped (killed after stop_timeout_ms)';
  if (row.status === 'restarting' && row.next_restart_in_ms !== null) return `restarting (${exit ? `${exit}, ` : ''}next in ${describeDelay(row.next_restart_in_ms)})`;
  return row.status;
}
