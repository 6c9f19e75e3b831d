// The ComputeSDK 2.x servers API, as computesdk@2.5.4 calls it and reads the replies.
import { badRequest } from '../../errors.js';
import { ok } from '../respond.js';
import type { Route } from '../router.js';
import type { ServerStartOptions } from '../types.js';
import { validateBody } from '../validate.js';
import { serverInfo } from '../wire/replies.js';
import { serverSpec } from '../wire/specs.js';
import { byName, parseStream, refuseOtherKind, requireUnit } from './common.js';

/** POST/GET /servers, GET/DELETE /servers/:slug, POST /servers/:slug/stop|restart, GET /servers/:slug/logs. */
export const serverRoutes: Route[] = [
  {
    method: 'POST',
    path: '/servers',
    async handler({ body, deps: { supervisor } }) {
      const raw = await body();
      const options = await validateBody<ServerStartOptions>('server', raw);
      // Inline overlays need the overlay manager's routes (issue 4); silently ignoring them would start a server without its files.
      if (raw && typeof raw === 'object' && ('overlay' in raw || 'overlays' in raw)) {
        throw badRequest('servers: inline "overlay"/"overlays" are not supported yet; create the overlay first and name its id in "depends_on"');
      }
      refuseOtherKind(supervisor, options.slug, 'server');
      const existed = supervisor.get(options.slug) !== undefined;
      await supervisor.upsert([serverSpec(options)]);
      const [state] = await supervisor.start([options.slug]);
      const server = serverInfo(state ?? requireUnit(supervisor, options.slug, 'server'));
      return ok(existed ? 'Server updated' : 'Server started', { server }, existed ? 200 : 201);
    },
  },
  {
    method: 'GET',
    path: '/servers',
    async handler({ deps: { supervisor } }) {
      const servers = byName(supervisor.list().filter((s) => s.kind === 'server')).map(serverInfo);
      return ok('Servers listed', { servers });
    },
  },
  {
    method: 'GET',
    path: '/servers/:slug',
    async handler({ params, deps: { supervisor } }) {
      return ok('Server retrieved', { server: serverInfo(requireUnit(supervisor, params.slug ?? '', 'server')) });
    },
  },
  {
    method: 'POST',
    path: '/servers/:slug/stop',
    async handler({ params, deps: { supervisor } }) {
      const slug = requireUnit(supervisor, params.slug ?? '', 'server').name;
      await supervisor.stop([slug]);
      return ok('Server stopped', { slug });
    },
  },
  {
    method: 'POST',
    path: '/servers/:slug/restart',
    async handler({ params, deps: { supervisor } }) {
      const slug = requireUnit(supervisor, params.slug ?? '', 'server').name;
      return ok('Server restarted', { server: serverInfo(await supervisor.restart(slug)) });
    },
  },
  {
    method: 'DELETE',
    path: '/servers/:slug',
    async handler({ params, deps: { supervisor } }) {
      const slug = requireUnit(supervisor, params.slug ?? '', 'server').name;
      await supervisor.remove([slug]);
      return ok('Server deleted', { slug });
    },
  },
  {
    method: 'GET',
    path: '/servers/:slug/logs',
    async handler({ params, query, deps: { supervisor } }) {
      const slug = requireUnit(supervisor, params.slug ?? '', 'server').name;
      const stream = parseStream(query);
      const lines = await supervisor.logs.read(slug, { stream });
      return ok('Logs retrieved', { slug, stream, logs: lines.map((l) => `${l.text}\n`).join('') });
    },
  },
];

