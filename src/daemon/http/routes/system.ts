// Daemon-wide routes: liveness (GET /health, open without a token), readiness (GET /ready), shutdown.
import { ok } from '../respond.js';
import type { Route } from '../router.js';
import type { HealthResponse } from '../../../contract/wire.js';
import { readiness } from '../wire/replies.js';
import type { Supervisor } from '../../supervisor-api.js';

/** GET /health, GET /ready, POST /v1/shutdown. */
export const systemRoutes: Route[] = [
  {
    method: 'GET',
    path: '/health',
    async handler({ deps }) {
      // `problems` and `logs_disk_full` only when there are any, so the 2.x reply stays as it was on a healthy daemon.
      // Answered before the supervisor is up too (server.ts), when there is no log store yet.
      const problems = deps.problems?.() ?? [];
      const full = (deps.supervisor as Supervisor | undefined)?.logs.diskFull?.() ?? [];
      const body: HealthResponse = {
        status: 'ok',
        timestamp: new Date().toISOString(),
        ...(problems.length > 0 ? { problems } : {}),
        ...(full.length > 0 ? { logs_disk_full: full } : {}),
      };
      return { status: 200, body };
    },
  },
  {
    method: 'GET',
    path: '/ready',
    async handler({ deps }) {
      const overlays = (deps.overlays?.list() ?? []).map(({ id, source, target, copy_status }) => ({ id, source, target, copy_status }));
      return { status: 200, body: readiness(deps.supervisor.list(), overlays) };
    },
  },
  {
    method: 'POST',
    path: '/v1/shutdown',
    async handler({ res, deps }) {
      await deps.stopAllUnits();
      // The daemon closes only once this reply is out, so the caller learns that every unit is stopped.
      res.once('finish', deps.exit);
      return ok('Every unit is stopped; the daemon is exiting', {});
    },
  },
];
