// `compute sandbox ls` as a table and as JSON.
import type { SandboxListing } from '../../host/index.js';
import { renderTable } from './table.js';
import { formatUptime } from './units.js';

/** The JSON rows: snake_case as ps --json, with the age in ms. */
export function sandboxJson(listings: readonly SandboxListing[], now = Date.now()): object[] {
  return listings.map((entry) => ({
    provider: entry.provider,
    id: entry.id,
    name: entry.name ?? null,
    namespace: entry.namespace ?? null,
    status: entry.status,
    url: entry.url ?? null,
    created_at: entry.createdAt,
    age_ms: Math.max(0, now - Date.parse(entry.createdAt)),
    units: entry.units ?? null,
  }));
}

/** PROVIDER ID NAME STATUS URL AGE UNITS, one row per sandbox. */
export function renderSandboxTable(listings: readonly SandboxListing[], now = Date.now()): string {
  const rows = listings.map((entry) => [
    entry.provider,
    entry.id,
    [entry.namespace, entry.name].filter((part) => part !== undefined).join('/') || '-',
    entry.status,
    entry.url ?? '-',
    formatUptime(Math.max(0, now - Date.parse(entry.createdAt))),
    entry.units === undefined ? '-' : String(entry.units),
  ]);
  return renderTable(['PROVIDER', 'ID', 'NAME', 'STATUS', 'URL', 'AGE', 'UNITS'], rows);
}
