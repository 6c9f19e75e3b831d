// The seed services API: PUT defines or updates a service (without starting it); start/stop/get/list/delete.
import { badRequest } from '../../errors.js';
import { ok } from '../respond.js';
import type { Route } from '../router.js';
import type { ServiceDefinition } from '../../../contract/wire.js';
import { validateBody } from '../validate.js';
import { serviceInfo } from '../wire/replies.js';
import { serviceSpec } from '../wire/specs.js';
import { byName, refuseOtherKind, replacing, requireUnit } from './common.js';
import { NAME_PATTERN } from '../../../contract/paths.js';

/** PUT/GET/DELETE /v1/services/{name}, POST /v1/services/{name}/start|stop, GET /v1/services. */
export const serviceRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/v1/services/:name',
    async handler({ params, body, deps: { supervisor } }) {
      const name = params.name ?? '';
      if (!new RegExp(NAME_PATTERN).test(name)) {
        throw badRequest(`services: "${name}" is not a valid name: use letters, digits, ".", "_" or "-" (at most 63, starting with a letter or digit)`);
      }
      const definition = await validateBody<ServiceDefinition>('service', await body());
      refuseOtherKind(supervisor, name, 'service');
      const current = supervisor.get(name);
      const spec = serviceSpec(name, definition);
      const [state] = await supervisor.upsert([spec], replacing(current?.spec, spec));
      const service = serviceInfo(state ?? requireUnit(supervisor, name, 'service'));
      return ok(current ? 'Service updated' : 'Service defined', { service }, current ? 200 : 201);
    },
  },
  {
    method: 'GET',
    path: '/v1/services',
    async handler({ deps: { supervisor } }) {
      const services = byName(supervisor.list().filter((s) => s.kind === 'service')).map(serviceInfo);
      return ok('Services listed', { services });
    },
  },
  {
    method: 'GET',
    path: '/v1/services/:name',
    async handler({ params, deps: { supervisor } }) {
      return ok('Service retrieved', { service: serviceInfo(requireUnit(supervisor, params.name ?? '', 'service')) });
    },
  },
  {
    method: 'POST',
    path: '/v1/services/:name/start',
    async handler({ params, deps: { supervisor } }) {
      const name = requireUnit(supervisor, params.name ?? '', 'service').name;
      const [state] = await supervisor.start([name]);
      return ok('Service starting', { service: serviceInfo(state ?? requireUnit(supervisor, name)) });
    },
  },
  {
    method: 'POST',
    path: '/v1/services/:name/stop',
    async handler({ params, deps: { supervisor } }) {
      const name = requireUnit(supervisor, params.name ?? '', 'service').name;
      await supervisor.stop([name]);
      return ok('Service stopped', { service: serviceInfo(requireUnit(supervisor, name)) });
    },
  },
  {
    method: 'DELETE',
    path: '/v1/services/:name',
    async handler({ params, deps: { supervisor } }) {
      const name = requireUnit(supervisor, params.name ?? '', 'service').name;
      await supervisor.remove([name]);
      return ok('Service deleted', { name });
    },
  },
];
