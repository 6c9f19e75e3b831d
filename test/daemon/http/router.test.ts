import { describe, expect, it } from 'vitest';
import { createRouter, type Route } from '../../../src/daemon/http/router.js';
import { hasDotSegment } from '../../../src/daemon/http/server.js';

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

describe('createRouter with a rest segment', () => {
  const files = [route('GET', '/files'), route('GET', '/files/*path'), route('HEAD', '/files/*path'), route('GET', '/files/special')];
  const findFile = createRouter(files);

  it('takes one or more segments, decoded, and leaves the more literal route first', () => {
    expect(findFile('GET', '/files/a')).toMatchObject({ route: files[1], params: { path: 'a' } });
    expect(findFile('GET', '/files/my%20docs/a%2Fb.txt')).toMatchObject({ route: files[1], params: { path: 'my docs/a/b.txt' } });
    expect(findFile('HEAD', '/files/a/b')).toMatchObject({ route: files[2], params: { path: 'a/b' } });
    expect(findFile('GET', '/files')).toMatchObject({ route: files[0], params: {} });
    expect(findFile('GET', '/files/special')).toMatchObject({ route: files[3] });
  });

  it('matches nothing for an empty or badly encoded rest', () => {
    expect(findFile('GET', '/files/')).toBeUndefined();
    expect(findFile('GET', '/files/a/%E0%A4%A')).toBeUndefined();
    expect(findFile('DELETE', '/files/a')).toEqual({ allowed: ['GET', 'HEAD'] });
  });
});

describe('hasDotSegment', () => {
  it.each([
    ['/files/../etc', true],
    ['/files/./x', true],
    ['/files/x/..', true],
    ['/files/%2e%2E/x', true],
    ['/files/.%2e', true],
    ['/..', true],
    ['/files/..x/.hidden/x..', false],
    ['/files/a?path=../..', false],
    ['/files/..%2Fetc', false],
  ])('%s → %s', (target, expected) => {
    expect(hasDotSegment(target)).toBe(expected);
  });
});
