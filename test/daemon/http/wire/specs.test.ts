import { describe, expect, it } from 'vitest';
import { DaemonError } from '../../../../src/daemon/errors.js';
import { needsFromWire, serverSpec, serviceSpec } from '../../../../src/daemon/http/wire/specs.js';

describe('serverSpec', () => {
  it('fills the 2.x defaults', () => {
    const spec = serverSpec({ slug: 'web', start: 'npm run dev' });
    expect(spec).toMatchObject({
      name: 'web',
      kind: 'server',
      command: 'npm run dev',
      cwd: '/',
      strictPort: false,
      env: {},
      restartPolicy: 'never',
      maxRestarts: 0,
      restartDelayMs: 1000,
      stopTimeoutMs: 10000,
      needs: {},
      overlays: [],
      labels: {},
    });
    expect(spec.install).toBeUndefined();
    expect(spec.healthCheck).toBeUndefined();
    expect(spec.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('maps every field: env_file relative to path, depends_on to overlays, health check defaults of 2.x', () => {
    const spec = serverSpec({
      slug: 'api',
      start: 'node server.js',
      install: 'npm ci',
      path: 'app',
      env_file: '.env',
      environment: { NODE_ENV: 'production' },
      port: 3000,
      strict_port: true,
      depends_on: ['ov-1'],
      restart_policy: 'on-failure',
      max_restarts: 5,
      restart_delay_ms: 200,
      stop_timeout_ms: 3000,
      health_check: { path: '/health', interval_ms: 500 },
    });
    expect(spec).toMatchObject({
      install: 'npm ci',
      cwd: '/app',
      envFile: '/app/.env',
      env: { NODE_ENV: 'production' },
      port: 3000,
      strictPort: true,
      overlays: ['ov-1'],
      restartPolicy: 'on-failure',
      maxRestarts: 5,
      restartDelayMs: 200,
      stopTimeoutMs: 3000,
      healthCheck: { type: 'http', path: '/health', intervalMs: 500, timeoutMs: 1500, delayMs: 5000 },
    });
  });

  it('polls "/" when the health check names no path', () => {
    expect(serverSpec({ slug: 'a', start: 'x', health_check: {} }).healthCheck).toEqual({
      type: 'http',
      path: '/',
      intervalMs: 2000,
      timeoutMs: 1500,
      delayMs: 5000,
    });
  });

  it('rejects a path that climbs out of the sandbox with 400', () => {
    expect(() => serverSpec({ slug: 'a', start: 'x', path: '/../../etc' })).toThrow(DaemonError);
    expect(() => serverSpec({ slug: 'a', start: 'x', path: '/../../etc' })).toThrow('servers: "path" escapes the sandbox root');
  });

  it('rejects a health check with two probes', () => {
    expect(() => serverSpec({ slug: 'a', start: 'x', health_check: { path: '/', exec: 'true' } })).toThrow(
      'servers: "health_check" takes only one of path, log, exec (got path, exec)',
    );
  });
});

describe('serviceSpec', () => {
  it('runs cmd and args without a shell and probes health_port over TCP', () => {
    const spec = serviceSpec('redis', { cmd: 'redis-server', args: ['--port', '6379'], health_port: 6379, user: 'redis', working_dir: '/data' });
    expect(spec).toMatchObject({
      name: 'redis',
      kind: 'service',
      command: ['redis-server', '--port', '6379'],
      cwd: '/data',
      user: 'redis',
      healthCheck: { type: 'tcp', port: 6379, intervalMs: 2000, timeoutMs: 1500, delayMs: 0 },
    });
  });

  it('takes the timing of health_check with the port of health_port', () => {
    expect(serviceSpec('db', { cmd: 'db', health_port: 5432, health_check: { interval_ms: 100 } }).healthCheck).toEqual({
      type: 'tcp',
      port: 5432,
      intervalMs: 100,
      timeoutMs: 1500,
      delayMs: 0,
    });
  });

  it.each([
    [{ log: 'ready to accept' }, { type: 'log', pattern: 'ready to accept' }],
    [{ exec: 'pg_isready' }, { type: 'exec', command: 'pg_isready' }],
    [{ path: '/healthz', port: 8080 }, { type: 'http', path: '/healthz', port: 8080 }],
  ])('health_check %j → %j', (wire, expected) => {
    expect(serviceSpec('s', { cmd: 'x', health_check: wire }).healthCheck).toMatchObject(expected);
  });
});

describe('needsFromWire', () => {
  it.each([
    [undefined, {}],
    [['a', 'b'], { a: { condition: 'healthy', restart: false }, b: { condition: 'healthy', restart: false } }],
    [{ a: {}, b: { condition: 'completed', restart: true } }, { a: { condition: 'healthy', restart: false }, b: { condition: 'completed', restart: true } }],
  ] as const)('%j → %j', (wire, expected) => {
    expect(needsFromWire(wire as never)).toEqual(expected);
  });
});

describe('hash', () => {
  const base = serverSpec({ slug: 'a', start: 'x', environment: { A: '1', B: '2' } });
  it('is the restart hash: it ignores key order and fields that need no restart', () => {
    expect(serverSpec({ slug: 'a', start: 'x', environment: { B: '2', A: '1' } }).hash).toBe(base.hash);
    expect(serverSpec({ slug: 'a', start: 'x', environment: { A: '1', B: '2' }, restart_policy: 'always', stop_timeout_ms: 1 }).hash).toBe(base.hash);
  });
  it('changes when the command, env or port changes', () => {
    expect(serverSpec({ slug: 'a', start: 'y', environment: { A: '1', B: '2' } }).hash).not.toBe(base.hash);
    expect(serverSpec({ slug: 'a', start: 'x', environment: { A: '1' } }).hash).not.toBe(base.hash);
    expect(serverSpec({ slug: 'a', start: 'x', environment: { A: '1', B: '2' }, port: 3000 }).hash).not.toBe(base.hash);
  });
});
