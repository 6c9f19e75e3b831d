// The ComputeSDK 2.x servers API, as computesdk@2.5.4 calls it and reads the replies.
import { ok } from '../respond.js';
import type { Route } from '../router.js';
import type { ServerStartOptions } from '../../../contract/wire.js';
import { validateBody } from '../validate.js';
import { serverInfo } from '../wire/replies.js';
import { serverSpec } from '../wire/specs.js';
import { byName, parseStream, refuseOtherKind, replacing, requireUnit } from './common.js';
import { overlaySpec, requireOverlays } from './overlays.js';

/** POST/GET /servers, GET/DELETE /servers/:slug, POST /servers/:slug/stop|restart, GET /servers/:slug/logs. */
export const serverRoutes: Route[] = [
  {
    method: 'POST',
    path: '/servers',
    async handler({ body, deps }) {
      const { supervisor } = deps;
      const options = await validateBody<ServerStartOptions>('server', await body());
      refuseOtherKind(supervisor, options.slug, 'server');
      const spec = serverSpec(options);
      // Inline overlays are created first; the server waits for their copies as for those named in depends_on.
      const inline = [...(options.overlay ? [options.overlay] : []), ...(options.overlays ?? [])];
      if (inline.length > 0) {
        const store = requireOverlays(deps);
        for (const overlay of inline) {
          const record = await store.create(overlaySpec(overlay));
          if (!spec.overlays.includes(record.id)) spec.overlays.push(record.id);
        }
      }
      const current = supervisor.get(options.slug);
      await supervisor.upsert([spec], replacing(current?.spec, spec));
      const [state] = await supervisor.start([options.slug]);
      const server = serverInfo(state ?? requireUnit(supervisor, options.slug, 'server'));
      return ok(current ? 'Server updated' : 'Server started', { server }, current ? 200 : 201);
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

