// Long-lived NDJSON streams: unit state changes (GET /v1/events) and a unit's log lines (GET /v1/units/:name/logs).
import { ndjson } from '../respond.js';
import type { Route } from '../router.js';
import type { EventStreamItem } from '../../../contract/wire.js';
import { byName, parseFlag, parseStream, parseTail, requireUnit } from './common.js';

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** GET /v1/events and GET /v1/units/:name/logs. */
export const streamRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/events',
    async handler({ res, signal, deps: { supervisor } }) {
      const stream = ndjson(res);
      // Subscribing before the snapshot is taken means no change can fall between the two.
      const unsubscribe = supervisor.subscribe((event, state) => {
        void stream.write({ type: 'event', event, state } satisfies EventStreamItem);
      });
      try {
        void stream.write({ type: 'snapshot', units: byName(supervisor.list()) } satisfies EventStreamItem);
        await aborted(signal);
      } finally {
        unsubscribe();
        stream.end();
      }
      return undefined;
    },
  },
  {
    method: 'GET',
    path: '/v1/units/:name/logs',
    async handler({ res, params, query, signal, deps: { supervisor } }) {
      const name = requireUnit(supervisor, params.name ?? '').name;
      const logQuery = { stream: parseStream(query), ...optionalTail(parseTail(query)) };
      const follow = parseFlag(query, 'follow');
      const lines = follow ? undefined : await supervisor.logs.read(name, logQuery);
      const stream = ndjson(res);
      try {
        if (lines) for (const line of lines) await stream.write(line);
        else for await (const line of supervisor.logs.follow(name, logQuery, signal)) await stream.write(line);
      } finally {
        stream.end();
      }
      return undefined;
    },
  },
];

function optionalTail(tail: number | undefined): { tail?: number } {
  return tail === undefined ? {} : { tail };
}
