// Profiles (src/config/profiles.ts): table tests of which units a selection activates, and loadConfig on real files
// (COMPUTE_PROFILES from the environment and from .env, `compute config` showing the active units only).
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import { definesProfiles, requestedProfiles, selectProfiles, type ProfiledUnit } from '../../src/config/profiles.js';
import { tempDir } from '../helpers/tmp.js';
import { captureIO, writeFiles } from './helpers.js';

// name: [profiles, needs]
type Table = Record<string, [string[], string[]]>;
const units = (table: Table) => new Map<string, ProfiledUnit>(Object.entries(table).map(([name, [profiles, needs]]) => [name, { profiles, needs }]));

const COMPOSE_DOCS: Table = {
  web: [[], []],
  test_lib: [['test'], []],
  coverage_lib: [['test'], ['test_lib']],
  debug_lib: [['debug'], ['test_lib']],
};

describe('selectProfiles', () => {
  it.each<[string, Table, string[], string[], string[]]>([
    ['no profile asked: only units without profiles', COMPOSE_DOCS, [], [], ['web']],
    ['a profile: its units and those without', COMPOSE_DOCS, ['test'], [], ['web', 'test_lib', 'coverage_lib']],
    ['a need in another profile comes with its dependent', COMPOSE_DOCS, ['debug'], [], ['web', 'test_lib', 'debug_lib']],
    ['two profiles', COMPOSE_DOCS, ['test', 'debug'], [], ['web', 'test_lib', 'coverage_lib', 'debug_lib']],
    ['`*`: every profile', COMPOSE_DOCS, ['*'], [], ['web', 'test_lib', 'coverage_lib', 'debug_lib']],
    ['a unit in several profiles: any one of them', { a: [['x', 'y'], []], b: [['z'], []] }, ['y'], [], ['a']],
    ['a named unit activates its profiles (and so the other units of them)', COMPOSE_DOCS, [], ['coverage_lib'], ['web', 'test_lib', 'coverage_lib']],
    ['a named unit without profiles activates nothing more', COMPOSE_DOCS, [], ['web'], ['web']],
    ['needs are followed however deep', { a: [[], ['b']], b: [['p'], ['c']], c: [['q'], []] }, [], [], ['a', 'b', 'c']],
    ['an unknown profile activates nothing', COMPOSE_DOCS, ['tset'], [], ['web']],
    ['a need that names no unit is skipped (the config check reports it)', { a: [[], ['ghost']] }, [], [], ['a']],
    ['names are data, not keys of an object', Object.fromEntries<[string[], string[]]>([['a', [[], ['constructor', 'toString']]], ['constructor', [['p'], []]]]), [], [], ['a', 'constructor']],
  ])('%s', (_, table, requested, targets, active) => {
    expect(selectProfiles(units(table), requested, targets).active).toEqual(active);
  });

  it('records why a unit of an inactive profile was activated, every dependent that needs it, and what is left out', () => {
    const { selection } = selectProfiles(units({ api: [[], ['db']], web: [['debug'], ['db']], db: [['data', 'ops'], []], tools: [['ops'], []] }), ['debug', 'tset']);
    expect(selection).toEqual({
      active: ['debug', 'tset'],
      inactive: { tools: ['ops'] },
      needed: { db: { by: ['api', 'web'], profiles: ['data', 'ops'] } },
      unknown: ['tset'],
      defined: ['data', 'debug', 'ops'],
    });
  });
});

describe('requestedProfiles', () => {
  it.each<[string[], string | undefined, string[]]>([
    [[], undefined, []],
    [['debug'], undefined, ['debug']],
    [[], 'debug,test', ['debug', 'test']],
    [['debug'], ' test , debug,, ', ['debug', 'test']],
    [['a', 'a'], '', ['a']],
  ])('--profile %j with COMPUTE_PROFILES=%j → %j (merged, as compose does)', (flags, env, expected) => {
    expect(requestedProfiles(flags, env)).toEqual(expected);
  });
});

const PROJECT = [
  'servers:',
  '  api: { start: node api.js, port: 3000, needs: [db] }',
  'services:',
  '  db: { cmd: db, profiles: [data] }',
  '  debugger: { cmd: dbg, profiles: [debug] }',
  '',
].join('\n');

describe('definesProfiles', () => {
  it.each([
    ['no unit with profiles', { services: { a: { cmd: 'a' } }, servers: { w: { start: 'w' } } }, false],
    ['a service with profiles', { services: { a: { cmd: 'a', profiles: ['x'] } } }, true],
    ['a server with an empty list', { servers: { w: { start: 'w', profiles: [] } } }, false],
    ['a list of no names', { services: { a: { cmd: 'a', profiles: [1] } } }, false],
    ['a list with a name among others', { services: { a: { cmd: 'a', profiles: [1, 'x'] } } }, true],
    ['only an x- entry with profiles', { services: { 'x-base': { profiles: ['x'] }, a: { cmd: 'a' } } }, false],
    ['no unit sections', { name: 'p' }, false],
  ])('%s: %s', (_, doc, expected) => {
    expect(definesProfiles(doc)).toBe(expected);
  });
});

describe('loadConfig with profiles', () => {
  it('keeps the inactive units out of the Spec, and knows them', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': PROJECT });
    const { spec, errors } = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(errors).toEqual([]);
    expect(Object.keys(spec?.units ?? {})).toEqual(['api', 'db']);
    expect(spec?.profiles?.inactive).toEqual({ debugger: ['debug'] });
    expect(spec?.profiles?.needed).toEqual({ db: { by: ['api'], profiles: ['data'] } });
  });

  it.each<[string, Record<string, string>, Record<string, string>, string[]]>([
    ['COMPUTE_PROFILES in the environment', { COMPUTE_PROFILES: 'debug' }, {}, ['api', 'db', 'debugger']],
    ['COMPUTE_PROFILES in .env', {}, { '.env': 'COMPUTE_PROFILES=debug\n' }, ['api', 'db', 'debugger']],
    ['the environment over .env', { COMPUTE_PROFILES: 'data' }, { '.env': 'COMPUTE_PROFILES=debug\n' }, ['api', 'db']],
  ])('%s', async (_, env, files, active) => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': PROJECT, ...files });
    const { spec } = await loadConfig({ files: [], cwd: dir, env });
    expect(Object.keys(spec?.units ?? {})).toEqual(active);
  });

  it('gives no selection to a project without profiles', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': 'services:\n  a: { cmd: a }\n' });
    expect((await loadConfig({ files: [], cwd: dir, env: {} })).spec?.profiles).toBeUndefined();
  });

  it.each([
    ['a name that is not a slug', 'services:\n  a: { cmd: a, profiles: [de bug] }\n', 'compute.yaml:2:27: services.a.profiles[0]: "de bug" is not a URL-safe name'],
    ['a profile given twice', 'services:\n  a: { cmd: a, profiles: [x, x] }\n', 'compute.yaml:2:16: services.a.profiles: `x` is listed more than once'],
    ['not a list', 'services:\n  a: { cmd: a, profiles: debug }\n', 'compute.yaml:2:26: services.a.profiles: must be a list, got a string ("debug")'],
  ])('refuses %s with file:line:col', async (_, yaml, line) => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': yaml });
    const io = captureIO(dir);
    expect(await main(['validate'], io)).toBe(2);
    expect(io.err()).toContain(line);
  });

  it('validates every unit, also those of inactive profiles', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': 'services:\n  a: { cmd: a }\n  b: { cmd: b, profiles: [x], needs: [ghost] }\n' });
    const { errors } = await loadConfig({ files: [], cwd: dir, env: {} });
    expect(errors.map((e) => e.message)).toEqual(['`b` needs `ghost`, which is not a server or service']);
  });
});

describe('the commands', () => {
  it('`config` shows the active units only; `--profile` adds the others', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': PROJECT });
    const without = captureIO(dir);
    expect(await main(['config', '--json'], without)).toBe(0);
    expect(Object.keys((JSON.parse(without.out()) as { services: object }).services)).toEqual(['db']);
    const withDebug = captureIO(dir);
    expect(await main(['--profile', 'debug', 'config', '--json'], withDebug)).toBe(0);
    expect(Object.keys((JSON.parse(withDebug.out()) as { services: object }).services)).toEqual(['db', 'debugger']);
  });

  it('`validate` counts the units left out', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': PROJECT });
    const io = captureIO(dir);
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toBe('ok: 1 server, 1 service, 0 overlays (and 1 unit of inactive profiles)\n');
  });

  it.each([
    [['--profile', 'debgu'], {}, 'compute: warning: no unit has profile "debgu"; did you mean "debug"?\n'],
    [[], { COMPUTE_PROFILES: 'zzz' }, 'compute: warning: no unit has profile "zzz" (the project\'s profiles: data, debug)\n'],
  ])('warns of an unknown profile %j %j, and goes on', async (flags, env, warning) => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': PROJECT });
    const io = captureIO(dir, env);
    expect(await main(['validate', ...flags], io)).toBe(0);
    expect(io.err()).toBe(warning);
  });
});
