// `extends: {unit, file?}` on a unit (src/config/extends.ts) on real files: the base merged under the unit by the
// rules of several -f files, bases in other files with their paths relative to themselves, chains, and every error
// (a cycle, a missing base or file, a base of the other kind, a bad inherited value) at file:line:col.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from '../helpers/tmp.js';
import { captureIO, writeFiles } from './helpers.js';

const load = (dir: string) => loadConfig({ files: [], cwd: dir, env: {} });
const where = (errors: { file: string; line: number; col: number; message: string }[], dir: string) =>
  errors.map((e) => `${e.file.slice(dir.length + 1)}:${e.line}:${e.col}: ${e.message}`);

describe('extends', () => {
  it('merges the base under the unit: maps key by key, other values and lists replaced', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': [
        'servers:',
        '  base: { start: node app.js, port: 3000, environment: { A: "1", B: base }, needs: [db], restart_policy: always }',
        '  web:',
        '    extends: { unit: base }',
        '    port: 3001',
        '    environment: { B: web }',
        '    needs: [cache]',
        'services:',
        '  db: { cmd: db }',
        '  cache: { cmd: cache }',
        '',
      ].join('\n'),
    });
    const { spec, errors } = await load(dir);
    expect(errors).toEqual([]);
    expect(spec?.units.web).toMatchObject({ command: 'node app.js', port: 3001, env: { A: '1', B: 'web' }, restartPolicy: 'always' });
    expect(Object.keys(spec?.units.web?.needs ?? {})).toEqual(['cache']);
    expect(spec?.units.base?.port).toBe(3000);
  });

  it('takes a base from another file, its relative paths resolved against that file, and follows a chain there', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'services:\n  worker:\n    extends: { file: common/units.yaml, unit: job }\n    args: [--queue, mail]\n',
      'common/units.yaml': 'services:\n  node-base: { cmd: node, env_file: node.env }\n  job: { extends: { unit: node-base }, args: [job.js] }\n',
      'common/node.env': 'NODE_ENV=production\n',
    });
    const { spec, errors } = await load(dir);
    expect(errors).toEqual([]);
    expect(Object.keys(spec?.units ?? {})).toEqual(['worker']);
    expect(spec?.units.worker).toMatchObject({ command: ['node', '--queue', 'mail'], env: { NODE_ENV: 'production' } });
    expect(spec?.inputs).toEqual(expect.arrayContaining([`${dir}/common/units.yaml`, `${dir}/common/node.env`]));
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      'a cycle, named with its chain',
      { 'compute.yaml': 'services:\n  a: { cmd: x, extends: { unit: b } }\n  b: { cmd: x, extends: { unit: a } }\n' },
      ['compute.yaml:3:33: extends: a cycle: a → b → a'],
    ],
    ['a unit that extends itself', { 'compute.yaml': 'services:\n  a: { cmd: x, extends: { unit: a } }\n' }, ['compute.yaml:2:33: extends: a cycle: a → a']],
    ['a base that is not there', { 'compute.yaml': 'services:\n  base: { cmd: x }\n  a: { extends: { unit: bsae } }\n' }, ['compute.yaml:3:3: services.a: missing required key `cmd`', 'compute.yaml:3:25: extends: no service `bsae`; did you mean `base`?']],
    [
      'a base of the other kind',
      { 'compute.yaml': 'servers:\n  web: { extends: { unit: db } }\nservices:\n  db: { cmd: x }\n' },
      ['compute.yaml:2:3: servers.web: missing required key `start`', 'compute.yaml:2:27: extends: `db` is a service; a server extends a server'],
    ],
    ['a file that is not there', { 'compute.yaml': 'services:\n  a:\n    extends: { unit: b, file: nope.yaml }\n' }, ['compute.yaml:2:3: services.a: missing required key `cmd`', 'compute.yaml:3:31: extends: no such file: nope.yaml']],
    [
      'a bad value inherited from a base in another file, in that file',
      { 'compute.yaml': 'servers:\n  web: { extends: { unit: base, file: lib.yaml } }\n', 'lib.yaml': 'servers:\n  base:\n    start: x\n    port: 0\n' },
      ['lib.yaml:4:11: servers.web.port: must be between 1 and 65535, got `0`'],
    ],
    ['an extends without its unit', { 'compute.yaml': 'services:\n  a: { cmd: x, extends: { file: b.yaml } }\n' }, ['compute.yaml:2:16: services.a.extends: missing required key `unit`']],
  ])('refuses %s', async (_, files, expected) => {
    const dir = writeFiles(tempDir(), files);
    const { spec, errors } = await load(dir);
    expect(spec).toBeUndefined();
    expect(where(errors, dir)).toEqual(expected);
  });

  it('`compute config` shows the unit as it is built, without `extends`', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': 'services:\n  base: { cmd: node, args: [a.js] }\n  a: { extends: { unit: base }, env: { X: "1" } }\n' });
    const io = captureIO(dir);
    expect(await main(['config', '--json'], io)).toBe(0);
    expect((JSON.parse(io.out()) as { services: Record<string, unknown> }).services.a).toEqual({ cmd: 'node', args: ['a.js'], env: { X: '1' } });
  });
});
