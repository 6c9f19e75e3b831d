// Our own unit API for the reconciler: read units, apply a batch of specs, start/stop/remove/restart by name.
import { badRequest, conflict } from '../../errors.js';
import { placeOf } from '../../units/launch.js';
import { SpawnError } from '../../units/process.js';
import type { UnitBatch } from '../../../contract/wire.js';
import { ok } from '../respond.js';
import type { Route } from '../router.js';
import { validateBody } from '../validate.js';
import { byName, replacing, requireUnit, requireUnits } from './common.js';

async function names(body: () => Promise<unknown>): Promise<string[]> {
  return (await validateBody<{ names: string[] }>('names', await body())).names;
}

/** GET /v1/units[/:name], GET /v1/units/:name/place, PUT /v1/units, POST /v1/units/start|stop|remove, POST /v1/units/:name/restart. */
export const unitRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/units',
    async handler({ deps: { supervisor } }) {
      return ok('Units listed', { units: byName(supervisor.list()) });
    },
  },
  {
    method: 'GET',
    path: '/v1/units/:name',
    async handler({ params, deps: { supervisor } }) {
      return ok('Unit retrieved', { unit: requireUnit(supervisor, params.name ?? '') });
    },
  },
  {
    method: 'GET',
    path: '/v1/units/:name/place',
    async handler({ params, deps: { supervisor } }) {
      const unit = requireUnit(supervisor, params.name ?? '');
      // PORT as the unit's process got it: the allocated port of a unit that asks for one (not a detected one).
      const port = unit.spec.port === undefined ? undefined : (unit.port ?? unit.spec.port);
      // A folder that is gone or an unreadable env_file is a state of the sandbox, not a bad request.
      const place = await placeOf(unit.spec, supervisor.root, port).catch((error: unknown) => {
        throw error instanceof SpawnError ? conflict(`unit ${unit.name}: ${error.message}`) : error;
      });
      return ok('Unit place resolved', { place });
    },
  },
  {
    method: 'PUT',
    path: '/v1/units',
    async handler({ body, deps: { supervisor } }) {
      const { units, replace } = await validateBody<UnitBatch>('units', await body());
      const seen = new Set<string>();
      for (const unit of units) {
        if (seen.has(unit.name)) throw badRequest(`units: "${unit.name}" appears more than once in the batch`);
        seen.add(unit.name);
      }
      // The plan's decision when it sent one; a client without a plan gets the hash comparison the plan would make.
      const replaced = replace ?? units.filter((unit) => replacing(supervisor.get(unit.name)?.spec, unit).size > 0).map((unit) => unit.name);
      return ok('Units applied', { units: await supervisor.upsert(units, new Set(replaced)) });
    },
  },
  {
    method: 'POST',
    path: '/v1/units/start',
    async handler({ body, deps: { supervisor } }) {
      const list = await names(body);
      requireUnits(supervisor, list);
      return ok('Units starting', { units: await supervisor.start(list) });
    },
  },
  {
    method: 'POST',
    path: '/v1/units/stop',
    async handler({ body, deps: { supervisor } }) {
      const list = await names(body);
      requireUnits(supervisor, list);
      await supervisor.stop(list);
      return ok('Units stopped', { units: list.map((name) => requireUnit(supervisor, name)) });
    },
  },
  {
    method: 'POST',
    path: '/v1/units/remove',
    async handler({ body, deps: { supervisor } }) {
      const list = await names(body);
      requireUnits(supervisor, list);
      await supervisor.remove(list);
      return ok('Units removed', { names: list });
    },
  },
  {
    method: 'POST',
    path: '/v1/units/:name/restart',
    async handler({ params, deps: { supervisor } }) {
      const name = requireUnit(supervisor, params.name ?? '').name;
      return ok('Unit restarted', { unit: await supervisor.restart(name) });
    },
  },
];
