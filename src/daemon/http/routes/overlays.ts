// The 2.x filesystem overlays API (no envelope, as computesdk@2.5.4 reads it): create, list, retrieve, destroy.
import type { OverlaySpec } from '../../../contract/overlay.js';
import { DaemonError, badRequest, notFound } from '../../errors.js';
import { PathEscapeError } from '../../../contract/paths.js';
import { overlayIdFor } from '../../overlays/records.js';
import type { OverlayStore, Route, RouteDeps } from '../router.js';
import type { OverlayCreate } from '../../../contract/wire.js';
import { ok } from '../respond.js';
import { validateBody } from '../validate.js';
import type { SyncOp } from '../../../contract/sync.js';

/** The daemon's overlay store; 501 when it runs without one. */
export function requireOverlays(deps: RouteDeps): OverlayStore {
  if (!deps.overlays) throw new DaemonError(501, 'overlays are not available on this daemon');
  return deps.overlays;
}

/** An overlay body as a model spec; without an id it gets the one derived from its target (re-creating is a no-op). */
export function overlaySpec(body: OverlayCreate): OverlaySpec {
  return {
    id: body.id ?? idFor(body.target),
    source: body.source,
    target: body.target,
    strategy: body.strategy ?? 'smart',
    ignore: body.ignore ?? [],
    ...(body.symlinkDirs ? { symlinkDirs: body.symlinkDirs } : {}),
    ...(body.labels ? { labels: body.labels } : {}),
  };
}

function idFor(target: string): string {
  try {
    return overlayIdFor(target);
  } catch (error) {
    if (error instanceof PathEscapeError) throw badRequest(`overlays: "target" escapes the sandbox root`);
    throw error;
  }
}

/** POST/GET /filesystem/overlays, GET/DELETE /filesystem/overlays/:id; ours: GET /v1/overlays/:id/manifest, POST /v1/overlays/:id/sync. */
export const overlayRoutes: Route[] = [
  {
    method: 'POST',
    path: '/filesystem/overlays',
    async handler({ body, deps }) {
      const store = requireOverlays(deps);
      const spec = overlaySpec(await validateBody<OverlayCreate>('overlay', await body()));
      const existed = store.get(spec.id) !== undefined;
      return { status: existed ? 200 : 201, body: await store.create(spec) };
    },
  },
  {
    method: 'GET',
    path: '/filesystem/overlays',
    async handler({ deps }) {
      return { status: 200, body: { overlays: requireOverlays(deps).list() } };
    },
  },
  {
    method: 'GET',
    path: '/filesystem/overlays/:id',
    async handler({ params, deps }) {
      const record = requireOverlays(deps).get(params.id ?? '');
      if (!record) throw notFound(`overlay "${params.id}" not found`);
      return { status: 200, body: record };
    },
  },
  {
    method: 'DELETE',
    path: '/filesystem/overlays/:id',
    async handler({ params, deps }) {
      const store = requireOverlays(deps);
      if (!store.get(params.id ?? '')) throw notFound(`overlay "${params.id}" not found`);
      await store.destroy(params.id ?? '');
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/v1/overlays/:id/manifest',
    async handler({ params, deps }) {
      return ok(`overlay ${params.id} manifest`, { manifest: requireOverlays(deps).manifest(params.id ?? '') });
    },
  },
  {
    method: 'POST',
    path: '/v1/overlays/:id/sync',
    async handler({ params, body, deps }) {
      const { ops } = await validateBody<{ ops: SyncOp[] }>('sync', await body());
      return ok(`overlay ${params.id} synced`, { sync: await requireOverlays(deps).sync(params.id ?? '', ops) });
    },
  },
];
