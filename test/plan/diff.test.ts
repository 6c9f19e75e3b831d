import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from '../helpers/tmp.js';
import type { Spec } from '../../src/contract/spec.js';
import { PROJECT_LABEL, type UnitSpec, type UnitState, type UnitStatus } from '../../src/contract/unit.js';
import type { OverlayRecord } from '../../src/contract/overlay.js';
import { diff, isEmptyPlan, type UnitAction } from '../../src/plan/diff.js';
import { unitSpec } from '../helpers/unit-spec.js';

const PROJECT = 'shop';

function unit(name: string, fields: Partial<UnitSpec> = {}): UnitSpec {
  const spec = unitSpec(name, { labels: { [PROJECT_LABEL]: PROJECT }, ...fields });
  spec.hash = fields.hash ?? JSON.stringify([spec.command, spec.cwd, spec.env, spec.port]);
  return spec;
}

function spec(...units: UnitSpec[]): Spec {
  return { name: PROJECT, files: ['/p/compute.yaml'], projectDir: '/p', sandbox: { provider: 'local', envs: {}, metadata: {}, headers: {}, options: {}, create: {} }, overlays: [], units: Object.fromEntries(units.map((u) => [u.name, u])), inputs: [] };
}

function running(spec: UnitSpec, status: UnitStatus = 'ready'): UnitState {
  const ts = '2026-11-23T00:00:00.000Z';
  return { name: spec.name, kind: spec.kind, spec, status, exitCode: null, restartCount: 0, consecutiveFailures: 0, createdAt: ts, updatedAt: ts };
}

const restartWith = (name: string) => ({ [name]: { condition: 'healthy' as const, restart: true } });
const waitFor = (name: string) => ({ [name]: { condition: 'healthy' as const, restart: false } });

describe('diff', () => {
  it.each<[string, Spec, UnitState[], Record<string, UnitAction>]>([
    ['nothing running → create all', spec(unit('db'), unit('api')), [], { db: 'create', api: 'create' }],
    ['no change → unchanged', spec(unit('db')), [running(unit('db'))], { db: 'unchanged' }],
    ['changed start → replace', spec(unit('db', { command: 'node db2.js' })), [running(unit('db'))], { db: 'replace' }],
    ['changed restart policy → update in place', spec(unit('db', { restartPolicy: 'always' })), [running(unit('db'))], { db: 'update' }],
    ['failed → start', spec(unit('db')), [running(unit('db'), 'failed')], { db: 'start' }],
    ['stopped → start', spec(unit('db')), [running(unit('db'), 'stopped')], { db: 'start' }],
    ['completed one-shot → unchanged', spec(unit('migrate')), [running(unit('migrate'), 'completed')], { migrate: 'unchanged' }],
    ['starting → unchanged (already on its way)', spec(unit('db')), [running(unit('db'), 'starting')], { db: 'unchanged' }],
    ['removed from the file → remove', spec(unit('db')), [running(unit('db')), running(unit('worker'))], { db: 'unchanged', worker: 'remove' }],
    [
      'replaced need with restart: true → dependent replaced',
      spec(unit('db', { command: 'node db2.js' }), unit('api', { needs: restartWith('db') }), unit('web', { needs: restartWith('api') })),
      [running(unit('db')), running(unit('api', { needs: restartWith('db') })), running(unit('web', { needs: restartWith('api') }))],
      { db: 'replace', api: 'replace', web: 'replace' },
    ],
    [
      'replaced need without restart: true → dependent unchanged',
      spec(unit('db', { command: 'node db2.js' }), unit('api', { needs: waitFor('db') })),
      [running(unit('db')), running(unit('api', { needs: waitFor('db') }))],
      { db: 'replace', api: 'unchanged' },
    ],
  ])('%s', (_name, desired, actual, expected) => {
    const plan = diff(desired, { units: actual, overlays: [] });
    expect(Object.fromEntries(plan.units.map((u) => [u.name, u.action]))).toEqual(expected);
  });

  it('names the changed fields of a replace in YAML terms', () => {
    const before = unit('api', { env: { DEBUG: '0', KEEP: '1' } });
    const after = unit('api', { command: 'node api2.js', env: { DEBUG: '1', KEEP: '1', NEW: 'x' } });
    const [change] = diff(spec(after), { units: [running(before)], overlays: [] }).units;
    expect(change).toMatchObject({ action: 'replace', changed: ['start', 'environment.DEBUG', 'environment.NEW'] });
  });

  it('names services fields as services write them', () => {
    const before = unit('redis', { kind: 'service', command: ['redis-server', '--port', '6379'], cwd: '/' });
    const after = unit('redis', { kind: 'service', command: ['redis-server', '--port', '6380'], cwd: '/data' });
    const [change] = diff(spec(after), { units: [running(before)], overlays: [] }).units;
    expect(change?.changed).toEqual(['args', 'working_dir']);
  });

  it('puts needs before dependents', () => {
    const plan = diff(spec(unit('web', { needs: waitFor('api') }), unit('api', { needs: waitFor('db') }), unit('db')), { units: [], overlays: [] });
    expect(plan.units.map((u) => u.name)).toEqual(['db', 'api', 'web']);
  });

  it('never touches units of another project, and reports a name clash as a conflict', () => {
    const theirs = unit('db', { labels: { [PROJECT_LABEL]: 'other' } });
    const plan = diff(spec(unit('db')), { units: [running(theirs), running(unit('cache', { labels: { [PROJECT_LABEL]: 'other' } }))], overlays: [] });
    expect(plan.conflicts).toEqual(['db']);
    expect(plan.units).toEqual([]);
  });

  it('with NAME... covers those units and their needs, and removes nothing', () => {
    const desired = spec(unit('db'), unit('api', { needs: waitFor('db') }), unit('web'));
    const plan = diff(desired, { units: [running(unit('old'))], overlays: [] }, { only: ['api'] });
    expect(plan.units.map((u) => [u.name, u.action])).toEqual([
      ['db', 'create'],
      ['api', 'create'],
    ]);
  });

  it('leaves a running unit of an inactive profile alone (as compose does), and removes one that is gone', () => {
    const desired: Spec = { ...spec(unit('api')), profiles: { active: [], inactive: { debugger: ['debug'] }, needed: {}, unknown: [], defined: ['debug'] } };
    const plan = diff(desired, { units: [running(unit('api')), running(unit('debugger')), running(unit('old'))], overlays: [] });
    expect(plan.units.map((u) => [u.name, u.action])).toEqual([
      ['api', 'unchanged'],
      ['old', 'remove'],
    ]);
  });

  it('says why a unit of an inactive profile is created: an active unit needs it', () => {
    const needed = { db: { by: ['api'], profiles: ['data'] } };
    const desired: Spec = { ...spec(unit('db'), unit('api', { needs: waitFor('db') })), profiles: { active: [], inactive: {}, needed, unknown: [], defined: ['data'] } };
    expect(diff(desired, { units: [], overlays: [] }).units).toEqual([
      { name: 'db', kind: 'server', action: 'create', cause: { kind: 'needed_by', by: ['api'], profiles: ['data'] } },
      { name: 'api', kind: 'server', action: 'create' },
    ]);
  });

  it('plans overlays: create, unchanged, resync on change or failure, remove only our own', () => {
    const overlay = { id: 'app', source: '/p/app', target: '/app', strategy: 'copy' as const, ignore: [] };
    const record = (fields: Partial<OverlayRecord>): OverlayRecord => ({ ...overlay, created_at: '', stats: { copied_files: 0, copied_dirs: 0, skipped: [] }, copy_status: 'complete', labels: { [PROJECT_LABEL]: PROJECT }, ...fields });
    const desired = { ...spec(), overlays: [overlay, { ...overlay, id: 'web', target: '/web' }, { ...overlay, id: 'lib', target: '/lib' }] };
    const plan = diff(desired, {
      units: [],
      overlays: [record({}), record({ id: 'web', target: '/web', strategy: 'smart' }), record({ id: 'gone' }), record({ id: 'theirs', labels: { [PROJECT_LABEL]: 'other' } })],
    });
    expect(plan.overlays.map((o) => [o.id, o.action])).toEqual([
      ['app', 'unchanged'],
      ['web', 'resync'],
      ['lib', 'create'],
      ['gone', 'remove'],
    ]);
    const failed = diff({ ...spec(), overlays: [overlay] }, { units: [], overlays: [record({ copy_status: 'failed' })] });
    expect(failed.overlays[0]).toMatchObject({ action: 'resync', cause: { kind: 'copy_failed' } });
  });

  it('isEmptyPlan is true only when everything is unchanged', () => {
    expect(isEmptyPlan(diff(spec(unit('db')), { units: [running(unit('db'))], overlays: [] }))).toBe(true);
    expect(isEmptyPlan(diff(spec(unit('db')), { units: [running(unit('db'), 'failed')], overlays: [] }))).toBe(false);
  });
});

describe('diff of loaded configs', () => {
  const BASE = `name: shop
servers:
  api:
    start: node api.js
    env_file: api.env
    environment: { DEBUG: "0" }
  web:
    start: node web.js
    needs: [api]
`;

  // Loads a project written to a temp folder and diffs it against `actual` (what the previous load would run).
  async function load(files: Record<string, string>) {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const result = await loadConfig({ files: [], cwd: dir, env: {} });
    if (!result.spec) throw new Error(result.errors.map((e) => e.message).join('; '));
    return result.spec;
  }
  const asRunning = (spec: Spec) => Object.values(spec.units).map((u) => running(u));
  const actions = (plan: ReturnType<typeof diff>) => Object.fromEntries(plan.units.map((u) => [u.name, u.action]));

  it.each<[string, Record<string, string>, Record<string, string>, Record<string, UnitAction>]>([
    ['no change', { 'compute.yaml': BASE, 'api.env': 'A=1\n' }, {}, { api: 'unchanged', web: 'unchanged' }],
    ['comment-only edit', { 'compute.yaml': BASE, 'api.env': 'A=1\n' }, { 'compute.yaml': `# a comment\n${BASE.replace('node web.js', 'node web.js # same')}` }, { api: 'unchanged', web: 'unchanged' }],
    ['key order changed', { 'compute.yaml': BASE, 'api.env': 'A=1\n' }, { 'compute.yaml': BASE.replace('    start: node web.js\n    needs: [api]\n', '    needs: [api]\n    start: node web.js\n') }, { api: 'unchanged', web: 'unchanged' }],
    ['env_file content changed', { 'compute.yaml': BASE, 'api.env': 'A=1\n' }, { 'api.env': 'A=2\n' }, { api: 'replace', web: 'unchanged' }],
    ['inline environment changed', { 'compute.yaml': BASE, 'api.env': 'A=1\n' }, { 'compute.yaml': BASE.replace('DEBUG: "0"', 'DEBUG: "1"') }, { api: 'replace', web: 'unchanged' }],
    ['restart policy changed', { 'compute.yaml': BASE, 'api.env': 'A=1\n' }, { 'compute.yaml': BASE.replace('    start: node web.js\n', '    start: node web.js\n    restart_policy: always\n') }, { api: 'unchanged', web: 'update' }],
    ['unit removed', { 'compute.yaml': BASE, 'api.env': 'A=1\n' }, { 'compute.yaml': BASE.replace(/ {2}web:\n(.*\n)*/, '') }, { api: 'unchanged', web: 'remove' }],
  ])('%s', async (_name, before, change, expected) => {
    const old = await load(before);
    const next = await load({ ...before, ...change });
    expect(actions(diff(next, { units: asRunning(old), overlays: [] }))).toEqual(expected);
  });

  it('names the env_file variable that changed', async () => {
    const old = await load({ 'compute.yaml': BASE, 'api.env': 'A=1\nB=2\n' });
    const next = await load({ 'compute.yaml': BASE, 'api.env': 'A=1\nB=3\n' });
    const api = diff(next, { units: asRunning(old), overlays: [] }).units.find((u) => u.name === 'api');
    expect(api).toMatchObject({ action: 'replace', changed: ['environment.B'] });
  });
});
