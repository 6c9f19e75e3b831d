// Top-level `include:` (src/config/include.ts) on real files: units and overlays joined, paths relative to the file
// that wrote them, nested includes, and every error (a cycle, a missing file, a unit defined twice, a bad value in
// an included file) at file:line:col of the file that wrote it.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from '../helpers/tmp.js';
import { captureIO, writeFiles } from './helpers.js';

const load = (dir: string) => loadConfig({ files: [], cwd: dir, env: {} });
const where = (errors: { file: string; line: number; col: number; message: string }[], dir: string) =>
  errors.map((e) => `${e.file.slice(dir.length + 1)}:${e.line}:${e.col}: ${e.message}`);

describe('include', () => {
  it('joins the units and overlays of the included file, its paths resolved against its own folder', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'name: shop\ninclude: [lib/db.yaml]\nservers:\n  api: { start: node api.js, needs: [db] }\noverlays:\n  - { source: app, target: /app }\n',
      'lib/db.yaml': 'services:\n  db: { cmd: postgres, env_file: db.env }\noverlays:\n  - { source: ./schema, target: /schema }\n',
      'lib/db.env': 'PGPORT=5433\n',
    });
    const { spec, errors } = await load(dir);
    expect(errors).toEqual([]);
    expect(Object.keys(spec?.units ?? {}).sort()).toEqual(['api', 'db']);
    expect(spec?.units.db?.env).toEqual({ PGPORT: '5433' });
    expect(spec?.overlays.map((o) => o.source)).toEqual([`${dir}/lib/schema`, `${dir}/app`]);
    expect(spec?.files).toEqual([`${dir}/compute.yaml`]);
    expect(spec?.inputs).toEqual(expect.arrayContaining([`${dir}/lib/db.yaml`, `${dir}/lib/db.env`]));
  });

  it('follows the included files\' own includes, each relative to the file that names it', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'include: [a/one.yaml]\nservices:\n  top: { cmd: x }\n',
      'a/one.yaml': 'include: [../b/two.yaml]\nservices:\n  one: { cmd: x }\n',
      'b/two.yaml': 'services:\n  two: { cmd: x, env_file: two.env }\n',
      'b/two.env': 'TWO=2\n',
    });
    const { spec, errors } = await load(dir);
    expect(errors).toEqual([]);
    expect(Object.keys(spec?.units ?? {}).sort()).toEqual(['one', 'top', 'two']);
    expect(spec?.units.two?.env).toEqual({ TWO: '2' });
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      'a cycle, named with its chain, where the include that closes it was written',
      { 'compute.yaml': 'include: [a.yaml]\nservices:\n  top: { cmd: x }\n', 'a.yaml': 'include:\n  - b.yaml\n', 'b.yaml': 'include: [a.yaml]\n' },
      ['b.yaml:1:11: include: a cycle: compute.yaml → a.yaml → b.yaml → a.yaml'],
    ],
    ['a file that includes itself', { 'compute.yaml': 'include: [./compute.yaml]\n' }, ['compute.yaml:1:11: include: a cycle: compute.yaml → compute.yaml']],
    ['a missing file', { 'compute.yaml': 'services:\n  top: { cmd: x }\ninclude:\n  - nope.yaml\n' }, ['compute.yaml:4:5: include: no such file: nope.yaml']],
    [
      'a unit defined in both files, at the second definition',
      { 'compute.yaml': 'include: [db.yaml]\nservices:\n  db: { cmd: x }\n', 'db.yaml': 'services:\n  db: { cmd: y }\n' },
      ['compute.yaml:3:3: `db` is already defined in db.yaml; a unit is defined once across included files'],
    ],
    [
      'a bad value in the included file, in that file',
      { 'compute.yaml': 'include: [lib/web.yaml]\n', 'lib/web.yaml': 'servers:\n  web:\n    start: x\n    port: 0\n' },
      ['lib/web.yaml:4:11: servers.web.port: must be between 1 and 65535, got `0`'],
    ],
    [
      'a need the included file names that nothing defines, in that file',
      { 'compute.yaml': 'include: [lib/web.yaml]\n', 'lib/web.yaml': 'servers:\n  web: { start: x, needs: [dbb] }\n' },
      ['lib/web.yaml:2:28: `web` needs `dbb`, which is not a server or service'],
    ],
    [
      'a sandbox in the included file',
      { 'compute.yaml': 'include: [lib.yaml]\nservices:\n  a: { cmd: x }\n', 'lib.yaml': 'sandbox: { root: /tmp }\nservices:\n  b: { cmd: x }\n' },
      ["lib.yaml:1:1: `sandbox` in an included file is not used: the including file sets the project's sandbox; remove it here"],
    ],
    ['an included file that is a list', { 'compute.yaml': 'include: [lib.yaml]\n', 'lib.yaml': '- a\n' }, ['compute.yaml:1:11: include: lib.yaml is not a compute file (it must be a map of servers, services and overlays)']],
    ['an include that is not a list', { 'compute.yaml': 'include: lib.yaml\nservices:\n  a: { cmd: x }\n' }, ['compute.yaml:1:10: include: must be a list, got a string ("lib.yaml")']],
  ])('refuses %s', async (_, files, expected) => {
    const dir = writeFiles(tempDir(), files);
    const { spec, errors } = await load(dir);
    expect(spec).toBeUndefined();
    expect(where(errors, dir)).toEqual(expected);
  });

  it('reads a file reached twice once (a includes b and c, both include d)', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'include: [b.yaml, c.yaml]\n',
      'b.yaml': 'include: [d.yaml]\nservices:\n  b: { cmd: x, needs: [d] }\n',
      'c.yaml': 'include: [d.yaml]\nservices:\n  c: { cmd: x, needs: [d] }\n',
      'd.yaml': 'services:\n  d: { cmd: x }\n',
    });
    const { spec, errors } = await load(dir);
    expect(errors).toEqual([]);
    expect(Object.keys(spec?.units ?? {}).sort()).toEqual(['b', 'c', 'd']);
  });

  it('points broken YAML in an included file at that file', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': 'include: [lib.yaml]\nservices:\n  a: { cmd: x }\n', 'lib.yaml': 'services:\n  b: { cmd: y\n' });
    const { spec, errors } = await load(dir);
    expect(spec).toBeUndefined();
    expect(errors.map((e) => e.file)).toEqual([`${dir}/lib.yaml`]);
  });

  it('`compute config` shows the joined file, without `include`', async () => {
    const dir = writeFiles(tempDir(), { 'compute.yaml': 'include: [lib.yaml]\nservices:\n  a: { cmd: x }\n', 'lib.yaml': 'services:\n  b: { cmd: y }\n' });
    const io = captureIO(dir);
    expect(await main(['config', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ services: { b: { cmd: 'y' }, a: { cmd: 'x' } } });
  });

  it('an override file may include too, relative to itself', async () => {
    const dir = writeFiles(tempDir(), {
      'compute.yaml': 'services:\n  a: { cmd: x }\n',
      'compute.override.yaml': 'include: [local/extra.yaml]\n',
      'local/extra.yaml': 'services:\n  extra: { cmd: y }\n',
    });
    expect(Object.keys((await load(dir)).spec?.units ?? {}).sort()).toEqual(['a', 'extra']);
  });
});
