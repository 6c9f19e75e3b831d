// Replicas through the built CLI: `replicas: N` runs web-1 … web-N, each serving on its own port with its REPLICA
// index; `compute scale` starts or stops only the difference; `compute up` brings the file's count back.
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { runCli, writeProject } from './project-harness.js';

interface PsRow {
  name: string;
  status: string;
  pid: number | null;
  port: number | null;
}

const SERVER = `node -e "require('http').createServer((q, s) => s.end(process.env.REPLICA)).listen(process.env.PORT, '127.0.0.1', () => console.log('replica ' + process.env.REPLICA + ' on ' + process.env.PORT))"`;

function project(port: number): string {
  return `name: shop
servers:
  web:
    start: exec ${SERVER}
    port: ${port}
    replicas: 2
    health_check: { path: /, interval_ms: 50 }
  api:
    start: exec sleep 600
    needs: [web]
    min_uptime_ms: 0
`;
}

async function ps(dir: string): Promise<Map<string, PsRow>> {
  const result = await runCli(dir, ['ps', '--json']);
  expect(result.code).toBe(0);
  return new Map((JSON.parse(result.stdout) as PsRow[]).filter((row) => row.status !== 'not created').map((row) => [row.name, row]));
}

async function replicaAt(port: number | null): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/`)).text();
}

describe('replicas', () => {
  it('runs each replica on its own port; scale changes only the difference; up restores the file’s count', async () => {
    const dir = writeProject(project(await freePort()));
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const first = await ps(dir);
    expect([...first.keys()]).toEqual(['web-1', 'web-2', 'api']);
    expect(await Promise.all(['web-1', 'web-2'].map((name) => replicaAt(first.get(name)?.port ?? null)))).toEqual(['1', '2']);

    const up = await runCli(dir, ['scale', 'web=3']);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/web-3\s+create\s+ready/);
    const scaled = await ps(dir);
    expect(await replicaAt(scaled.get('web-3')?.port ?? null)).toBe('3');
    expect(['web-1', 'web-2', 'api'].map((name) => scaled.get(name)?.pid)).toEqual(['web-1', 'web-2', 'api'].map((name) => first.get(name)?.pid));
    const logs = await runCli(dir, ['logs', 'web']);
    expect(logs.stdout).toMatch(/web-3\s+\| replica 3 on \d+/);
    expect(logs.stdout).toMatch(/web-1\s+\| replica 1 on \d+/);

    const down = await runCli(dir, ['scale', 'web=1']);
    expect(down.code).toBe(0);
    const one = await ps(dir);
    expect([...one.keys()]).toEqual(['web-1', 'api']);
    expect(one.get('web-1')?.pid).toBe(first.get('web-1')?.pid);

    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    expect([...(await ps(dir)).keys()]).toEqual(['web-1', 'web-2', 'api']);
  });

  it('refuses a count for a unit the file does not have, or a malformed one, with one line and exit 2', async () => {
    const dir = writeProject(project(await freePort()));
    const unknown = await runCli(dir, ['scale', 'wbe=2']);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, 'compute: no such unit: wbe (the project has api, web)']);
    const malformed = await runCli(dir, ['scale', 'web=two']);
    expect([malformed.code, malformed.stderr.trim()]).toEqual([2, 'compute: "web=two" is not NAME=COUNT (for example web=3)']);
  });
});
