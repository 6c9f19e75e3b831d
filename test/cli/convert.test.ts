// `compute convert` as the built command: stdout, -o (with env_file paths following the output), --from, errors,
// and a result that `compute validate` and `compute up` accept.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { runCli, writeProject } from './project-harness.js';

const COMPOSE = `services:
  db:
    image: postgres:16
  api:
    command: ["node", "-e", "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)"]
    ports: ["3000:3000"]
    env_file: .env
    depends_on: [db]
`;

describe('compute convert', () => {
  it('prints the compute.yaml on stdout, which validates and comes up', async () => {
    const dir = writeProject('');
    writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
    writeFileSync(join(dir, '.env'), 'GREETING=hi\n');
    const result = await runCli(dir, ['convert', 'docker-compose.yml']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`# Converted from docker-compose.yml by \`compute convert\`.
# not converted: db: image postgres:16 with no command (compute runs commands on this machine, not images)

servers:
  # not converted: needs db (db was not converted)
  api:
    start: node -e 'require('\\''http'\\'').createServer((q, s) => s.end('\\''ok'\\'')).listen(process.env.PORT)'
    port: 3000
    env_file: .env
`);
    writeFileSync(join(dir, 'compute.yaml'), result.stdout);
    expect(await runCli(dir, ['validate'])).toMatchObject({ code: 0, stdout: 'ok: 1 server, 0 services, 0 overlays\n' });
    const up = await runCli(dir, ['up', '--wait']);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('all units are up');
    expect((await runCli(dir, ['down'])).code).toBe(0);
  });

  it('-o writes the file, with relative env_file paths made relative to it', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'legacy'));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'legacy', 'compose.yaml'), COMPOSE);
    writeFileSync(join(dir, 'legacy', '.env'), 'GREETING=hi\n');
    const result = await runCli(dir, ['convert', 'legacy/compose.yaml', '-o', 'out/compute.yaml']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: 'wrote out/compute.yaml\n' });
    expect(readFileSync(join(dir, 'out', 'compute.yaml'), 'utf8')).toContain('    env_file: ../legacy/.env\n');
    expect((await runCli(dir, ['validate', '-f', 'out/compute.yaml'])).code).toBe(0);
    // A Procfile's processes run in its folder, so that folder is the sandbox root, seen from the output.
    writeFileSync(join(dir, 'legacy', 'Procfile'), 'web: npm start\n');
    expect((await runCli(dir, ['convert', 'legacy/Procfile', '-o', 'out/procs.yaml'])).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'procs.yaml'), 'utf8')).toContain('sandbox:\n  root: ../legacy\n');
  });

  it('reads a Procfile and a process-compose file, and takes --from for a name that does not tell', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Procfile'), 'web: node server.js --port $PORT\n');
    writeFileSync(join(dir, 'procs.txt'), 'processes:\n  web: { command: node server.js }\n');
    const procfile = await runCli(dir, ['convert', 'Procfile']);
    expect(procfile.stdout).toContain('servers:\n  web:\n    start: node server.js --port $PORT\n    port: 5000\n');
    const guessed = await runCli(dir, ['convert', 'procs.txt']);
    expect(guessed.stdout).toContain('services:\n  web:\n    cmd: node\n    args: [ server.js ]\n');
    const forced = await runCli(dir, ['convert', '--from', 'compose', 'procs.txt']);
    expect(forced).toMatchObject({ code: 2, stderr: 'compute: procs.txt: no `services:` map, so nothing to convert\n' });
  });

  it.each([
    [[], 'compute: convert: expected one FILE to convert, got 0 (compute convert --help)\n'],
    [['nope.yml'], 'compute: no such file: nope.yml\n'],
    [['notes.txt'], 'compute: notes.txt: not a docker compose file, Procfile or process-compose file (name the format with --from)\n'],
    [['notes.txt', '--from', 'k8s'], 'compute: Expected --from to be one of compose, process-compose, procfile, got "k8s"\n'],
    [['compose.yaml'], 'compute: compose.yaml: no `services:` map, so nothing to convert\n'],
  ])('%j is a usage error (exit 2) in one line', async (args, stderr) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    writeFileSync(join(dir, 'compose.yaml'), 'version: "3"\n');
    expect(await runCli(dir, ['convert', ...args])).toMatchObject({ code: 2, stdout: '', stderr });
  });
});
