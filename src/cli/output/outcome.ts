// The outcome of an apply: each unit's final status, the verdict and exit code (decided here, in one switch over the
// apply's outcome), the failures with their last log lines, or JSON.
import type { ApplyOutcome, ApplyResult, UnitOutcome } from '../../reconcile/apply.js';
import type { SandboxClient } from '../../sdk/index.js';
import { EXIT } from '../errors.js';
import { describeReason } from './reason.js';
import { statusColour, type Styler } from './style.js';
import { renderTable } from './table.js';

const LOG_LINES = 10;

/** The verdict line and the exit code of an apply's outcome: the one place `up`, `--watch` and `start` decide them. */
export function judge(outcome: ApplyOutcome, context: { timeoutMs?: number; daemonOut?: string; units?: number }): { verdict: string; exitCode: number } {
  switch (outcome.kind) {
    case 'done':
      return { verdict: context.units === 0 ? 'nothing to do' : 'all units are up', exitCode: EXIT.ok };
    case 'failed':
      return { verdict: `failed: ${outcome.units.join(', ')}`, exitCode: EXIT.failed };
    case 'timed_out':
      return { verdict: `timed out after ${context.timeoutMs} ms waiting for ${outcome.waiting.join(', ') || 'the units'}`, exitCode: EXIT.failed };
    case 'daemon_lost':
      return { verdict: `the sandbox daemon went away during the apply (${outcome.error})${context.daemonOut ? `; see ${context.daemonOut}` : ''}`, exitCode: EXIT.failed };
  }
}

/** A table of the units the apply touched or waited for, then the verdict. */
export function renderOutcome(result: ApplyResult, style: Styler, context: { timeoutMs?: number; daemonOut?: string }): string {
  const rows = result.units.map((unit) => [unit.name, unit.action, style(statusColour(unit.status), unit.status), describe(unit)]);
  const table = rows.length > 0 ? renderTable(['UNIT', 'ACTION', 'STATUS', ''], rows) : '';
  return table + judge(result.outcome, { ...context, units: result.units.length }).verdict + '\n';
}

function describe(unit: UnitOutcome): string {
  if (unit.blockedBy) return `blocked by ${unit.blockedBy}`;
  if (unit.status === 'ready' && unit.url && !unit.troubled) return unit.url;
  const reason = unit.reason ? describeReason(unit.reason) : (unit.url ?? '');
  return unit.troubled && unit.status !== 'failed' ? `did not stay up${reason ? `: ${reason}` : ''}` : reason;
}

/** The units to show logs of: those that failed or restarted on their own (not merely blocked), or did not settle. */
function culprits(result: ApplyResult): UnitOutcome[] {
  const waiting = result.outcome.kind === 'timed_out' ? new Set(result.outcome.waiting) : new Set<string>();
  return result.units.filter((unit) => ((unit.troubled || unit.status === 'failed') && !unit.blockedBy) || waiting.has(unit.name));
}

/** `web: port 3000 is taken, using 3001` for each unit that got another port than the file asks for. */
export function movedPorts(result: ApplyResult, desired: Readonly<Record<string, { port?: number }>>): string {
  return result.units
    .flatMap((unit) => {
      const asked = desired[unit.name]?.port;
      return asked !== undefined && unit.port !== undefined && unit.port !== asked ? [`compute: warning: ${unit.name}: port ${asked} is taken, using ${unit.port}\n`] : [];
    })
    .join('');
}

/** The last log lines of every culprit of the outcome. */
export async function failureLogs(client: SandboxClient, result: ApplyResult, style: Styler): Promise<string> {
  if (result.outcome.kind === 'daemon_lost') return '';
  const parts: string[] = [];
  for (const unit of culprits(result)) {
    const lines: string[] = [];
    for await (const line of client.unitLogs(unit.name, { stream: 'combined', tail: LOG_LINES })) lines.push(line.text);
    const why = unit.reason ? ` (${describeReason(unit.reason)})` : '';
    const heading = style('bold', `${unit.name}: ${unit.status}${why}; last ${lines.length} lines of its logs:`);
    parts.push([heading, ...lines.map((line) => `  ${unit.name} | ${line}`)].join('\n'));
  }
  return parts.length > 0 ? `${parts.join('\n')}\n` : '';
}

/** The outcome as JSON: ok, timed_out, the outcome, and per unit name, kind, action, status (and reason, message,
 *  blocked_by, troubled, url). */
export function outcomeJson(result: ApplyResult): string {
  const units = result.units.map((unit) => ({
    name: unit.name,
    kind: unit.kind,
    action: unit.action,
    status: unit.status,
    ...(unit.reason ? { reason: unit.reason, message: describeReason(unit.reason) } : {}),
    ...(unit.blockedBy ? { blocked_by: unit.blockedBy } : {}),
    ...(unit.troubled ? { troubled: true } : {}),
    ...(unit.url ? { url: unit.url } : {}),
  }));
  const ok = result.outcome.kind === 'done';
  return `${JSON.stringify({ ok, timed_out: result.outcome.kind === 'timed_out', outcome: result.outcome, units }, null, 2)}\n`;
}
