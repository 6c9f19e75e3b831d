import { describe, expect, it } from 'vitest';
import { createRouter, type Route } from '../../../src/daemon/http/router.js';

const route = (method: Route['method'], path: string): Route => ({ method, path, handler: async () => ({ status: 200 }) });
const routes = [route('GET', '/v1/units/:name'), route('POST', '/v1/units/start'), route('POST', '/v1/units/:name/restart'), route('GET', '/v1/units')];
const find = createRouter(routes);

describe('createRouter', () => {
  it('matches literal paths and decodes params', () => {
    expect(find('GET', '/v1/units')).toMatchObject({ route: routes[3], params: {} });
    expect(find('GET', '/v1/units/my%20app')).toMatchObject({ route: routes[0], params: { name: 'my app' } });
    expect(find('POST', '/v1/units/api/restart')).toMatchObject({ params: { name: 'api' } });
  });

  it('prefers the more literal route', () => {
    const both = createRouter([route('POST', '/v1/units/:name'), route('POST', '/v1/units/start')]);
    expect(both('POST', '/v1/units/start')).toMatchObject({ params: {} });
  });

  it('reports the allowed methods when only the method is wrong, and nothing for an unknown path', () => {
    expect(find('DELETE', '/v1/units/start')).toEqual({ allowed: ['GET', 'POST'] });
    expect(find('GET', '/v2/nothing')).toBeUndefined();
    expect(find('GET', '/v1/units/')).toBeUndefined();
    expect(find('GET', '/v1/units/%E0%A4%A')).toBeUndefined();
  });
});
