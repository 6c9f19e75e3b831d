// The rows of `compute ps`: the project's units in dependency order, as a table or as JSON.
import type { Spec } from '../../config/index.js';
import { PROJECT_LABEL, type HealthStatus, type UnitKind, type UnitSpec, type UnitState, type UnitStatus } from '../../contract/unit.js';
import { buildGraph } from '../../contract/graph.js';
import type { ExitInfo, UnitReason } from '../../contract/reason.js';
import { ACTIVE_STATUSES } from '../../contract/status.js';
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
}

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

/** The `ps` rows: every unit of the file and of the daemon, in start order; file units the daemon lacks are `not created`. */
export function unitRows(spec: Pick<Spec, 'units'> | undefined, states: readonly UnitState[]): UnitRow[] {
  const byName = new Map(states.map((state) => [state.name, state]));
  return unitOrder(spec, states).map((name) => {
    const state = byName.get(name);
    if (state) return rowOf(state);
    const kind = spec?.units[name]?.kind ?? 'server';
    return { name, kind, status: NOT_CREATED, healthy: null, pid: null, port: null, url: null, restart_count: null, exit_code: null, last_exit: null, next_restart_at: null, next_restart_in_ms: null, reason: null, message: null };
  });
}

// Why only while active: the daemon keeps a stopped unit's last port and URL, which nothing answers on any more.
function rowOf(state: UnitState, now = Date.now()): UnitRow {
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
  };
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
  const header = ['NAME', 'KIND', 'STATUS', 'HEALTH', 'PID', 'PORT', 'URL', 'RESTARTS'];
  const cell = (value: number | string | null) => (value === null ? '-' : String(value));
  const body = rows.map((row) => {
    const healthCell = health(row.name);
    return [
      row.name,
      row.kind,
      style(statusColour(row.status), statusWord(row)),
      healthCell === '-' ? '-' : style(statusColour(healthCell), healthCell),
      cell(row.pid),
      cell(row.port),
      cell(row.url),
      cell(row.restart_count),
    ];
  });
  return renderTable(header, body);
}

// A failed unit shows how it ended, `failed (exit 1)`; a restarting one also when it tries again,
// `restarting (exit 1, next in 1.9 s)`: the status alone says neither.
function statusWord(row: UnitRow): string {
  const exit = row.last_exit && (row.last_exit.signal ? row.last_exit.signal : row.last_exit.code !== null ? `exit ${row.last_exit.code}` : undefined);
  if (row.status === 'failed' && exit) return `failed (${exit})`;
  if (row.status === 'restarting' && row.next_restart_in_ms !== null) return `restarting (${exit ? `${exit}, ` : ''}next in ${describeDelay(row.next_restart_in_ms)})`;
  return row.status;
}
