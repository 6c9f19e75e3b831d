// Replicas (src/config/replicas.ts): `replicas: N` and `--scale` read from real files into the units that run, and
// the errors they can cause, each at file:line:col.
import { describe, expect, it } from 'vitest';
import { loadConfig, type LoadResult } from '../../src/config/index.js';
import { expandNames } from '../../src/contract/replicas.js';
import { REPLICA_LABEL } from '../../src/contract/unit.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFiles } from './helpers.js';

async function load(yaml: string, scale?: Record<string, number>): Promise<LoadResult> {
  const dir = writeFiles(tempDir(), { 'compute.yaml': yaml });
  return loadConfig({ files: [], cwd: dir, env: {}, ...(scale ? { scale } : {}) });
}

function errors(result: LoadResult): string[] {
  return result.errors.map((e) => `${e.line}:${e.col} ${e.message}`);
}

const WEB = `name: shop
servers:
  web:
    start: node server.js
    port: 3000
    replicas: 3
  api:
    start: node api.js
    needs: [web]
  watcher:
    start: node watch.js
    needs: { web: { condition: started } }
services:
  cache:
    cmd: redis-server
    health_port: 6379
    replicas: 2
`;

describe('replicas', () => {
  it('runs web-1 … web-N, each with REPLICA, its own port and the label of the unit it was made from', async () => {
    const { spec, errors: found } = await load(WEB);
    expect(found).toEqual([]);
    const units = spec?.units ?? {};
    expect(Object.keys(units)).toEqual(['web-1', 'web-2', 'web-3', 'api', 'watcher', 'cache-1', 'cache-2']);
    expect(['web-1', 'web-2', 'web-3'].map((name) => [units[name]?.port, units[name]?.env.REPLICA, units[name]?.labels[REPLICA_LABEL]])).toEqual([
      [3000, '1', 'web'],
      [3001, '2', 'web'],
      [3002, '3', 'web'],
    ]);
    expect(units['cache-2']?.healthCheck).toMatchObject({ type: 'tcp', port: 6380 });
    expect(units.api?.labels[REPLICA_LABEL]).toBeUndefined();
    expect(spec?.replicas).toEqual({ web: 3, cache: 2 });
  });

  it('gives each replica its own restart hash, which does not change with the count', async () => {
    const three = (await load(WEB)).spec?.units ?? {};
    const five = (await load(WEB, { web: 5 })).spec?.units ?? {};
    expect(new Set(['web-1', 'web-2', 'web-3'].map((name) => three[name]?.hash)).size).toBe(3);
    expect(['web-1', 'web-2', 'web-3'].map((name) => five[name]?.hash)).toEqual(['web-1', 'web-2', 'web-3'].map((name) => three[name]?.hash));
  });

  it('rewrites needs: each replica must be met, or with condition started any one of them', async () => {
    const units = (await load(WEB)).spec?.units ?? {};
    expect(units.api?.needs).toEqual({
      'web-1': { condition: 'healthy', restart: false },
      'web-2': { condition: 'healthy', restart: false },
      'web-3': { condition: 'healthy', restart: false },
    });
    expect(Object.values(units.watcher?.needs ?? {})).toEqual([1, 2, 3].map(() => ({ condition: 'started', restart: false, any: 'web' })));
  });

  it('takes --scale over the file, for a unit with or without replicas', async () => {
    const units = (await load(WEB, { web: 1, api: 2 })).spec?.units ?? {};
    expect(Object.keys(units)).toEqual(['web-1', 'api-1', 'api-2', 'watcher', 'cache-1', 'cache-2']);
    expect(Object.keys(units['api-1']?.needs ?? {})).toEqual(['web-1']);
  });

  it('leaves a file without replicas as it was: units under their own names', async () => {
    const units = (await load('servers:\n  web:\n    start: node a.js\n    port: 3000\n')).spec?.units ?? {};
    expect(Object.keys(units)).toEqual(['web']);
    expect(units.web?.env.REPLICA).toBeUndefined();
  });

  it.each([
    ['a replica named as another unit', 'servers:\n  web:\n    start: a\n    replicas: 2\n  web-2:\n    start: b\n', ['4:15 servers.web: replica `web-2` has the name of another unit; rename one of them']],
    ['ports past 65535', 'servers:\n  web:\n    start: a\n    port: 65535\n    replicas: 2\n', ['5:15 servers.web: 2 replicas from port 65535 would need ports past 65535']],
    ['a need on a unit with no replicas', 'servers:\n  web:\n    start: a\n    replicas: 0\n  api:\n    start: b\n    needs: [web]\n', ['7:13 `api` needs `web`, which has replicas: 0']],
    ['a strict port another replica takes', 'servers:\n  web:\n    start: a\n    port: 3000\n    strict_port: true\n    replicas: 2\n  api:\n    start: b\n    port: 3001\n', ['9:11 port 3001 is also asked for by `web-2`, and `web-2` has strict_port: one of them would fail to start']],
    ['more than 100', 'servers:\n  web:\n    start: a\n    replicas: 101\n', ['4:15 servers.web.replicas: must be between 0 and 100, got `101`']],
  ])('refuses %s at file:line:col', async (_, yaml, expected) => {
    expect(errors(await load(yaml))).toEqual(expected);
  });
});

describe('expandNames', () => {
  const specs: { name: string; labels: Record<string, string> }[] = [
    { name: 'web-2', labels: { [REPLICA_LABEL]: 'web' } },
    { name: 'web-10', labels: { [REPLICA_LABEL]: 'web' } },
    { name: 'web-1', labels: { [REPLICA_LABEL]: 'web' } },
    { name: 'api', labels: {} },
  ];
  it.each<[string, string[], string[]]>([
    ['a unit of its own', ['api'], ['api']],
    ['a replicated unit: its replicas in order', ['web'], ['web-1', 'web-2', 'web-10']],
    ['one replica', ['web-2'], ['web-2']],
    ['an unknown name is kept for the caller to refuse', ['ghost'], ['ghost']],
    ['a name given twice once', ['web-1', 'web'], ['web-1', 'web-2', 'web-10']],
  ])('%s', (_, names, expected) => {
    expect(expandNames(specs, names)).toEqual(expected);
  });
});
