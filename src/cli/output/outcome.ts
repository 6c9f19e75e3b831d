// The outcome of an apply: each unit's final status, the failures with their last log lines, or JSON.
import type { ApplyResult, UnitOutcome } from '../../reconcile/apply.js';
import type { SandboxClient } from '../../sdk/index.js';
import { statusColour, type Styler } from './style.js';
import { renderTable } from './table.js';

const LOG_LINES = 10;

/** A table of the units the apply touched or waited for, then a one-line verdict. */
export function renderOutcome(result: ApplyResult, style: Styler, timeoutMs: number | undefined): string {
  const rows = result.units.map((unit) => [unit.name, unit.action, style(statusColour(unit.status), unit.status), describe(unit)]);
  const table = rows.length > 0 ? renderTable(['UNIT', 'ACTION', 'STATUS', ''], rows) : '';
  return table + verdict(result, timeoutMs) + '\n';
}

function describe(unit: UnitOutcome): string {
  if (unit.blockedBy) return `blocked by ${unit.blockedBy}`;
  if (unit.status === 'ready' && unit.url) return unit.url;
  return unit.reason ?? unit.url ?? '';
}

function verdict(result: ApplyResult, timeoutMs: number | undefined): string {
  const failed = result.units.filter((unit) => unit.status === 'failed' || unit.status === 'stopped');
  const unsettled = result.units.filter((unit) => !['ready', 'completed', 'failed', 'stopped', 'removed'].includes(unit.status));
  if (result.timedOut) {
    return `timed out after ${timeoutMs} ms waiting for ${unsettled.map((unit) => `${unit.name} (${unit.status})`).join(', ') || 'the units'}`;
  }
  if (failed.length > 0) return `failed: ${failed.map((unit) => unit.name).join(', ')}`;
  return result.units.length === 0 ? 'nothing to do' : 'all units are up';
}

/** The last log lines of every unit that failed on its own (not merely blocked), or did not settle in time. */
export async function failureLogs(client: SandboxClient, result: ApplyResult, style: Styler): Promise<string> {
  const culprits = result.units.filter(
    (unit) => (unit.status === 'failed' && !unit.blockedBy) || (result.timedOut && !['ready', 'completed', 'removed', 'failed', 'stopped'].includes(unit.status)),
  );
  const parts: string[] = [];
  for (const unit of culprits) {
    const lines: string[] = [];
    for await (const line of client.unitLogs(unit.name, { stream: 'combined', tail: LOG_LINES })) lines.push(line.text);
    const heading = style('bold', `${unit.name}: ${unit.status}${unit.reason ? ` (${unit.reason})` : ''}; last ${lines.length} lines of its logs:`);
    parts.push([heading, ...lines.map((line) => `  ${unit.name} | ${line}`)].join('\n'));
  }
  return parts.length > 0 ? `${parts.join('\n')}\n` : '';
}

/** The outcome as JSON: ok, timed_out, and per unit name, kind, action, status (and reason, blocked_by, url). */
export function outcomeJson(result: ApplyResult): string {
  const units = result.units.map((unit) => ({
    name: unit.name,
    kind: unit.kind,
    action: unit.action,
    status: unit.status,
    ...(unit.reason ? { reason: unit.reason } : {}),
    ...(unit.blockedBy ? { blocked_by: unit.blockedBy } : {}),
    ...(unit.url ? { url: unit.url } : {}),
  }));
  return `${JSON.stringify({ ok: result.ok, timed_out: result.timedOut, units }, null, 2)}\n`;
}
