// What the running units use (GET /v1/stats): measured on request only, so an idle daemon reads nothing of /proc.
import { badRequest, DaemonError } from '../../errors.js';
import type { StatsReply } from '../../../contract/wire.js';
import { measureUnits } from '../../stats/sample.js';
import { ok } from '../respond.js';
import type { Route } from '../router.js';

/** The default time between the two samples of GET /v1/stats: long enough for 100 Hz CPU ticks to mean something. */
export const DEFAULT_INTERVAL_MS = 250;
const MAX_INTERVAL_MS = 10_000;

/** `?interval_ms=N`: 0 (one sample, no CPU use) to 10000; DEFAULT_INTERVAL_MS when absent. */
export function parseInterval(query: URLSearchParams): number {
  const value = query.get('interval_ms');
  if (value === null || value === '') return DEFAULT_INTERVAL_MS;
  if (!/^\d+$/.test(value) || Number(value) > MAX_INTERVAL_MS) throw badRequest(`"interval_ms" must be an integer from 0 to ${MAX_INTERVAL_MS} (got "${value}")`);
  return Number(value);
}

/** GET /v1/stats: each running unit's CPU use over interval_ms, its resident memory and process count. */
export const statsRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/stats',
    async handler({ query, signal, deps: { supervisor } }) {
      const measured = await measureUnits(() => supervisor.processRoots(), parseInterval(query), signal);
      // The client went away during the wait (then no one reads this), or the daemon is closing.
      if (!measured) throw new DaemonError(503, 'the daemon is shutting down');
      const reply: StatsReply = { interval_ms: measured.intervalMs, units: measured.units };
      return ok('Unit stats', reply);
    },
  },
];
