// Log-line health check: healthy once a line of the unit's output matches a regex (the seed's waitForLog).
import type { HealthMonitor, HealthReport } from './monitor.js';
import { initialReport } from './monitor.js';

/** Where a log check reads lines from: new lines as they come, and the lines printed before the check began. */
export interface LineSource {
  onLine(listener: (text: string) => void): () => void;
  pastLines?: () => Promise<string[]>;
}

/**
 * Watches the unit's output for a line matching `pattern`, past lines included; healthy at the first match, and it
 * stays healthy (a log line cannot be un-printed). Nothing runs once matched or stopped: no polling, no listener.
 * An invalid pattern leaves the check `checking` with the syntax error as `lastError`.
 */
export function watchLog(pattern: string, source: LineSource, onChange: (report: HealthReport) => void): HealthMonitor {
  let report = initialReport();
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    report.lastError = `invalid log pattern: ${(error as Error).message}`;
    return { stop() {}, current: () => ({ ...report }) };
  }
  let done = false;
  let unsubscribe = () => {};
  const check = (text: string) => {
    if (done || !regex.test(text)) return;
    done = true;
    unsubscribe();
    report = { healthy: true, status: 'healthy', consecutiveFailures: 0 };
    onChange({ ...report });
  };
  // Subscribe before reading the past, so a line printed in between is not missed (seen twice at worst).
  unsubscribe = source.onLine(check);
  if (done) unsubscribe(); // a source that replays lines inside onLine may have matched already
  source
    .pastLines?.()
    .then((lines) => lines.forEach(check))
    .catch((error: unknown) => {
      if (!done) report.lastError = `reading past lines: ${error instanceof Error ? error.message : String(error)}`;
    });
  return {
    stop() {
      done = true;
      unsubscribe();
    },
    current: () => ({ ...report }),
  };
}
