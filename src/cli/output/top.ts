// The rows of `compute top`: what each running unit of the project uses, in start order, as a table or as JSON.
import type { UnitStats } from '../../contract/wire.js';
import { renderTable } from './table.js';

/** One running unit as `top --json` prints it. */
export interface TopRow {
  name: string;
  pid: number;
  /** Over the daemon's sample window (about 250 ms), 100 = one core; null when the unit restarted within it. */
  cpu_percent: number | null;
  rss_bytes: number;
  processes: number;
  /** CPU time used since its process started (with its ended children's), in ms. */
  cpu_ms: number;
}

/** The rows of the units named in `order` (start order) that the daemon measured; others do not run. */
export function topRows(order: readonly string[], stats: readonly UnitStats[]): TopRow[] {
  const byName = new Map(stats.map((unit) => [unit.name, unit]));
  return order.flatMap((name) => {
    const unit = byName.get(name);
    return unit ? [{ name, pid: unit.pid, cpu_percent: unit.cpu_percent, rss_bytes: unit.rss_bytes, processes: unit.processes, cpu_ms: unit.cpu_ms }] : [];
  });
}

/** Bytes as MiB with one decimal: `12.3`. */
export function formatMiB(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** The `top` table: NAME, PID, CPU %, RSS (MiB), PROCS. */
export function renderTopTable(rows: readonly TopRow[]): string {
  const body = rows.map((row) => [row.name, String(row.pid), row.cpu_percent === null ? '-' : row.cpu_percent.toFixed(1), formatMiB(row.rss_bytes), String(row.processes)]);
  return renderTable(['NAME', 'PID', 'CPU %', 'RSS (MiB)', 'PROCS'], body);
}
