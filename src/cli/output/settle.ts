// Waiting for units to settle after start or restart, and reporting how each ended: one line per unit on stdout,
// and for each unit that failed or timed out, why, with the last lines of its logs on stderr.
import type { UnitState } from '../../contract/unit.js';
import { SETTLED_STATUSES } from '../../contract/status.js';
import { waitSettled, type EventSource, type UnitTracker } from '../../reconcile/track.js';
import { CLIError, EXIT } from '../errors.js';
import type { CliIO } from '../io.js';
import { formatLogLine, readLines, type LogSource } from './logs.js';
import { describeReason } from './reason.js';
import { statusColour, stylerFor, type Styler } from './style.js';
import { renderTable } from './table.js';

/** How many log lines are shown for a unit that failed. */
export const FAILURE_LOG_LINES = 10;

/** The default --timeout of start and restart, in milliseconds. */
export const DEFAULT_SETTLE_TIMEOUT_MS = 300_000;

/** One unit's outcome: ok when ready or completed; otherwise the reason to report. */
export interface SettleOutcome {
  name: string;
  status: string;
  /** The URL when ready, else the daemon's reason. */
  detail: string;
  ok: boolean;
  /** Why it is not ok, as the error line says it. */
  problem?: string;
}

/** Classifies each named unit's final state (pure). `timeoutMs` names the deadline when waiting ran out. */
export function outcomesOf(names: readonly string[], states: ReadonlyMap<string, UnitState | undefined>, timeoutMs?: number): SettleOutcome[] {
  return names.map((name) => {
    const state = states.get(name);
    const status = state?.status ?? 'unknown';
    const reason = state?.reason ? describeReason(state.reason) : undefined;
    const detail = (status === 'ready' ? state?.url : reason) ?? '';
    if (status === 'ready' || status === 'completed') return { name, status, detail, ok: true };
    const why = reason ? `: ${reason}` : '';
    let problem: string;
    if (state && !SETTLED_STATUSES.has(state.status)) problem = `${name} is still ${status} after ${timeoutMs ?? '?'} ms${why}`;
    else if (status === 'failed') problem = `${name} failed${why || (state?.exitCode != null ? ` (exit ${state.exitCode})` : '')}`;
    else problem = `${name} is ${status}${why}`;
    return { name, status, detail, ok: false, problem };
  });
}

/** Lines `name  status  detail`, aligned, the status coloured on a terminal. */
export function renderOutcomes(outcomes: readonly SettleOutcome[], style: Styler): string {
  const rows = outcomes.map((o) => [o.name, style(statusColour(o.status), o.status), o.detail]);
  // renderTable aligns the columns; the header line is not wanted here.
  return renderTable(['', '', ''], rows).split('\n').slice(1).join('\n');
}

/**
 * Waits for the named units to settle (ready, completed, failed or stopped), prints one line per unit, and for each
 * that is not ready or completed its problem and its last log lines. Returns the exit code: 0, 1, or 130 on Ctrl-C.
 * `offer` takes the states a start or restart replied with, newer than any snapshot that raced with them; `tracker`,
 * one subscribed before the act (see waitSettled).
 */
export async function settleAndReport(
  client: EventSource & LogSource,
  io: CliIO,
  names: readonly string[],
  options: { timeoutMs: number; offer?: UnitState[]; signal?: AbortSignal; tracker?: UnitTracker },
): Promise<number> {
  const { result, lostBecause, states } = await waitSettled(client, [...names], {
    timeoutMs: options.timeoutMs,
    ...(options.tracker ? { tracker: options.tracker } : {}),
    ...(options.offer ? { offer: options.offer } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result === 'lost') throw new CLIError(`lost the sandbox daemon while waiting (${lostBecause?.message ?? 'its event stream ended'})`, EXIT.failed);
  if (options.signal?.aborted) {
    io.stderr('compute: interrupted; the units go on starting in the sandbox\n');
    return EXIT.interrupted;
  }
  const outcomes = outcomesOf(names, states, options.timeoutMs);
  const style = stylerFor(io);
  io.stdout(renderOutcomes(outcomes, style));
  for (const outcome of outcomes) {
    if (!outcome.ok) io.stderr(await failureReport(client, outcome, style));
  }
  return outcomes.every((o) => o.ok) ? EXIT.ok : EXIT.failed;
}

/** `compute: api failed: ...` and the unit's last log lines, for stderr. */
export async function failureReport(client: LogSource, outcome: SettleOutcome, style: Styler): Promise<string> {
  let text = `compute: ${outcome.problem ?? `${outcome.name} is ${outcome.status}`}\n`;
  const lines = await readLines(client, outcome.name, { tail: FAILURE_LOG_LINES }).catch(() => []);
  if (lines.length > 0) {
    text += `last ${lines.length} line${lines.length === 1 ? '' : 's'} of ${outcome.name}:\n`;
    text += lines.map((line) => formatLogLine(outcome.name, line, outcome.name.length, false, style)).join('');
  }
  return text;
}
