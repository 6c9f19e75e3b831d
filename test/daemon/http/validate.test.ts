import { describe, expect, it } from 'vitest';
import { DaemonError } from '../../../src/daemon/errors.js';
import { validateBody, type BodyKind } from '../../../src/daemon/http/validate.js';
import { unitSpec } from '../../helpers/unit-spec.js';

async function messageOf(kind: BodyKind, body: unknown): Promise<string> {
  try {
    await validateBody(kind, body);
  } catch (error) {
    expect(error).toBeInstanceOf(DaemonError);
    expect((error as DaemonError).status).toBe(400);
    return (error as Error).message;
  }
  throw new Error('expected the body to be rejected');
}

const unit = unitSpec('api', { command: 'node server.js', hash: 'abc' });

describe('validateBody', () => {
  it.each([
    ['server', { slug: 'api', start: 'x', port: 70000 }, 'servers: "port" must be an integer between 1 and 65535'],
    ['server', { slug: 'api', start: 'x', port: '3000' }, 'servers: "port" must be an integer between 1 and 65535'],
    ['server', { start: 'x' }, 'servers: "slug" is required'],
    ['server', { slug: 'a/b', start: 'x' }, 'servers: "slug" must be a name of letters, digits'],
    ['server', { slug: 'api', start: '' }, 'servers: "start" must be a non-empty string'],
    ['server', { slug: 'api', start: 'x', restart_policy: 'sometimes' }, 'servers: "restart_policy" must be one of never, on-failure, always'],
    ['server', { slug: 'api', start: 'x', environment: { A: 1 } }, 'servers: "environment.A" must be a string'],
    ['server', { slug: 'api', start: 'x', health_check: { interval_ms: -1 } }, 'servers: "health_check.interval_ms" must be an integer between 0 and 2147483647'],
    // Past 2^31 − 1 ms Node's timers fire at once (issue 13: a 3e9 ms probe timeout never became healthy).
    ['server', { slug: 'api', start: 'x', restart_delay_ms: 2147483648 }, 'servers: "restart_delay_ms" must be an integer between 0 and 2147483647'],
    ['server', { slug: 'api', start: 'x', health_check: { timeout_ms: 3e9 } }, 'servers: "health_check.timeout_ms" must be an integer between 0 and 2147483647'],
    ['service', { cmd: 'x', stop_timeout_ms: 2147483648 }, 'services: "stop_timeout_ms" must be an integer between 0 and 2147483647'],
    ['units', { units: [{ ...unit, maxRestarts: 2147483648 }] }, 'units: "units[0].maxRestarts" must be an integer between 0 and 2147483647'],
    ['command', { command: 'true', timeout: 2147484 }, 'run/command: "timeout" must be a number of seconds greater than 0 and at most 2147483'],
    ['server', { slug: 'api', start: 'x', health_check: { path: 'health' } }, 'servers: "health_check.path" must be a URL path starting with "/"'],
    ['server', [], 'servers: the request body must be a JSON object'],
    ['server', undefined, 'servers: the request body must be a JSON object'],
    ['service', { args: [] }, 'services: "cmd" is required'],
    ['service', { cmd: 'redis-server', bogus: 1 }, 'services: unknown field "bogus"'],
    ['service', { cmd: 'x', needs: 5 }, 'services: "needs" must be a list of unit names or a map'],
    ['service', { cmd: 'x', needs: { db: { condition: 'soon' } } }, 'services: "needs.db.condition" must be one of healthy, started, completed'],
    ['service', { cmd: 'x', args: ['a', 2] }, 'services: "args[1]" must be a string'],
    ['units', { units: [{ ...unit, port: 0 }] }, 'units: "units[0].port" must be an integer between 1 and 65535'],
    ['units', { units: [{ ...unit, cwd: 'app' }] }, 'units: "units[0].cwd" must be an absolute sandbox path'],
    ['units', { units: [{ ...unit, healthCheck: { type: 'tcp', intervalMs: 1, timeoutMs: 1, delayMs: 0 } }] }, 'units: "units[0].healthCheck.port" is required'],
    ['units', { units: [{ ...unit, healthCheck: { type: 'carrier-pigeon' } }] }, 'units: "units[0].healthCheck.type" must be one of http, tcp, log, exec'],
    ['units', { units: [{ ...unit, needs: { '../x': { condition: 'healthy', restart: false } } }] }, 'units: "units[0].needs" has an invalid key "../x"'],
    ['units', { units: [{ ...unit, command: [] }] }, 'units: "units[0].command" must be a non-empty string or a non-empty list of strings'],
    ['names', { names: [] }, 'units: "names" must be a non-empty list of strings'],
    ['names', {}, 'units: "names" is required'],
  ] as const)('%s %j → %s', async (kind, body, expected) => {
    expect(await messageOf(kind, body)).toContain(expected);
  });

  it('accepts valid bodies as they are', async () => {
    const server = { slug: 'api', start: 'npm start', port: 3000, health_check: { path: '/health' }, autostart: true };
    await expect(validateBody('server', server)).resolves.toEqual(server);
    await expect(validateBody('service', { cmd: 'redis-server', needs: ['db'], health_port: 6379 })).resolves.toBeTruthy();
    const withCheck = { ...unit, healthCheck: { type: 'http', path: '/', intervalMs: 1, timeoutMs: 1, delayMs: 0 } };
    await expect(validateBody('units', { units: [unit, withCheck] })).resolves.toBeTruthy();
  });
});
