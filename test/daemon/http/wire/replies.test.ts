import { describe, expect, it } from 'vitest';
import { readiness, serverInfo, serverStatus, serviceInfo, serviceStatus } from '../../../../src/daemon/http/wire/replies.js';
import { serverSpec, serviceSpec } from '../../../../src/daemon/http/wire/specs.js';
import type { UnitSpec, UnitState, UnitStatus } from '../../../../src/contract/unit.js';

function state(spec: UnitSpec, extra: Partial<UnitState> = {}): UnitState {
  return {
    name: spec.name,
    kind: spec.kind,
    spec,
    status: 'ready',
    exitCode: null,
    restartCount: 0,
    consecutiveFailures: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
    ...extra,
  };
}

describe('status mapping', () => {
  // The seed's running is "its process runs and its health port accepts connections" (issue 13: a service waiting
  // for its needs was reported running with pid null).
  it.each([
    ['pending', 'starting', 'unknown', 'unknown'],
    ['installing', 'installing', 'unknown', 'unknown'],
    ['starting', 'starting', 'unknown', 'unknown'],
    ['running', 'running', 'unknown', 'running'],
    ['ready', 'ready', 'running', 'running'],
    ['restarting', 'restarting', 'unknown', 'unknown'],
    ['stopped', 'stopped', 'stopped', 'stopped'],
    ['failed', 'failed', 'failed', 'failed'],
    ['completed', 'stopped', 'stopped', 'stopped'],
  ] as const)('%s → server %s, service with a check %s, without %s', (status: UnitStatus, server, checked, unchecked) => {
    expect(serverStatus(status)).toBe(server);
    expect(serviceStatus(status, true)).toBe(checked);
    expect(serviceStatus(status, false)).toBe(unchecked);
  });
});

describe('serverInfo', () => {
  it('reports a 2.x ServerInfo with nanosecond durations and health status', () => {
    const spec = serverSpec({ slug: 'api', start: 'npm start', path: '/app', port: 3000, restart_delay_ms: 250, stop_timeout_ms: 4000, health_check: { path: '/health' } });
    const info = serverInfo(state(spec, { pid: 123, port: 3001, url: 'http://localhost:3001', healthy: true, healthStatus: 'healthy', consecutiveFailures: 2, restartCount: 1 }));
    expect(info).toEqual({
      slug: 'api',
      start: 'npm start',
      path: '/app',
      environment: {},
      strict_port: false,
      depends_on: [],
      port: 3001,
      url: 'http://localhost:3001',
      status: 'ready',
      pid: 123,
      restart_policy: 'never',
      max_restarts: 0,
      restart_delay: 250_000_000,
      stop_timeout: 4_000_000_000,
      restart_count: 1,
      exit_code: null,
      health_check: { path: '/health', interval_ms: 2000, timeout_ms: 1500, delay_ms: 5000 },
      healthy: true,
      health_status: { consecutive_failures: 2 },
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:01.000Z',
    });
  });

  it('leaves health fields out without a health check, and reports the exit code and reason', () => {
    const info = serverInfo(state(serverSpec({ slug: 'job', start: 'true' }), { status: 'failed', exitCode: 3, reason: { kind: 'exited', exit: { code: 3, signal: null } } }));
    expect(info).not.toHaveProperty('healthy');
    expect(info).not.toHaveProperty('health_status');
    expect(info).toMatchObject({ status: 'failed', exit_code: 3, reason: { kind: 'exited', exit: { code: 3, signal: null } } });
  });
});

describe('serviceInfo', () => {
  it('reports the seed API view', () => {
    const spec = serviceSpec('redis', { cmd: 'redis-server', args: ['--port', '6379'], health_port: 6379, needs: ['db'] });
    expect(serviceInfo(state(spec, { status: 'ready', pid: 9, healthy: true }))).toEqual({
      name: 'redis',
      cmd: 'redis-server',
      args: ['--port', '6379'],
      env: {},
      working_dir: '/',
      user: null,
      health_port: 6379,
      needs: ['db'],
      status: 'running',
      pid: 9,
      healthy: true,
      restart_count: 0,
      exit_code: null,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:01.000Z',
    });
  });

  it('gives needs back in the map form when one is not the short form', () => {
    const spec = serviceSpec('app', { cmd: 'x', needs: { db: { condition: 'started' } } });
    expect(serviceInfo(state(spec)).needs).toEqual({ db: { condition: 'started', restart: false } });
    expect(serviceInfo(state(spec)).healthy).toBeNull();
  });
});

describe('readiness', () => {
  const web = serverSpec({ slug: 'web', start: 'x', health_check: { path: '/' } });
  const job = serverSpec({ slug: 'job', start: 'x' });
  const svc = serviceSpec('db', { cmd: 'db' });

  it('is ready when every active server runs with a URL; stopped servers and services do not count', () => {
    const result = readiness(
      [state(web, { url: 'http://localhost:1', port: 1, healthy: true }), state(job, { status: 'stopped' }), state(svc, { status: 'failed' })],
      [],
    );
    expect(result).toMatchObject({ ready: true, healthy: true });
    expect(result.servers.map((s) => s.slug)).toEqual(['web', 'job']);
  });

  it.each([
    ['a server without a URL yet', [state(web, { status: 'running', healthy: false })], [], { ready: false, healthy: false }],
    ['a failed server', [state(job, { status: 'failed' })], [], { ready: false, healthy: true }],
    ['an overlay still copying', [], [{ id: 'o', source: '/s', target: '/t', copy_status: 'in_progress' }], { ready: false, healthy: true }],
    ['nothing at all', [], [], { ready: true, healthy: true }],
  ])('%s', (_what, states, overlays, expected) => {
    expect(readiness(states, overlays)).toMatchObject(expected);
  });
});
