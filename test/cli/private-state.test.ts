// The state folder keeps secrets (state.json holds the units' environments, e.g. DB_PASSWORD): `.compute/` and the
// state folder are 0700 and every file in them 0600, in a fresh folder and in one an older version left 0755/0644.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { runCli, spawnCli, writeProject } from './project-harness.js';

const PROJECT = 'name: secrets\nservers:\n  db:\n    start: sleep 300\n    environment:\n      DB_PASSWORD: hunter2\n';

// Every entry under `dir`, with its permission bits, as `path mode` lines (sorted), for one readable diff.
function modes(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const line = `${prefix}${entry.name} ${(statSync(path).mode & 0o777).toString(8)}`;
    return entry.isDirectory() ? [line, ...modes(path, `${prefix}${entry.name}/`)] : [line];
  }).sort();
}

// What a private folder's listing must be: folders 700, everything else (files, the socket) 600.
function allPrivate(lines: string[]): string[] {
  return lines.map((line) => line.replace(/ \d+$/, (mode) => (mode === ' 700' ? ' 700' : ' 600')));
}

function octal(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe('a private state folder', () => {
  it('compute up makes .compute/ and its state folder 0700 and every state file 0600', async () => {
    const dir = writeProject(PROJECT);
    const up = await runCli(dir, ['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const stateDir = join(dir, '.compute', 'state');
    await waitFor(() => readFileSync(join(stateDir, 'state.json'), 'utf8').includes('hunter2'), { what: 'state.json to record db' });
    expect(octal(join(dir, '.compute'))).toBe('700');
    expect(octal(stateDir)).toBe('700');
    const listing = modes(stateDir);
    expect(listing).toEqual(expect.arrayContaining([expect.stringMatching(/^state\.json /), expect.stringMatching(/^daemon\.pid /), expect.stringMatching(/^daemon\.json /)]));
    expect(listing).toEqual(allPrivate(listing));
  });

  it('fixes a .compute/ and state folder an older version left 0755 with 0644 files', async () => {
    const dir = writeProject(PROJECT);
    const stateDir = join(dir, '.compute', 'state');
    mkdirSync(join(stateDir, 'logs'), { recursive: true });
    const files: Record<string, string> = {
      'state.json': '{"version":1,"units":[]}',
      'overlays.json': '{"version":1,"overlays":[]}',
      'daemon.pid': '999999\n',
      'daemon.json': '{}',
      'daemon.log': '',
      'daemon.out': '',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(stateDir, name), text);
    for (const name of Object.keys(files)) chmodSync(join(stateDir, name), 0o644);
    for (const folder of [join(dir, '.compute'), stateDir, join(stateDir, 'logs')]) chmodSync(folder, 0o755);

    // `ps` only looks: it must not touch the modes (nor start anything).
    expect((await runCli(dir, ['ps'])).code).toBe(0);
    expect(octal(stateDir)).toBe('755');

    const up = await runCli(dir, ['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    await waitFor(() => readFileSync(join(stateDir, 'state.json'), 'utf8').includes('hunter2'), { what: 'state.json to record db' });
    expect(octal(join(dir, '.compute'))).toBe('700');
    expect(octal(stateDir)).toBe('700');
    const listing = modes(stateDir);
    expect(listing).toEqual(expect.arrayContaining(Object.keys(files).map((name) => expect.stringMatching(new RegExp(`^${name.replace('.', '\\.')} `)))));
    expect(listing).toEqual(allPrivate(listing));
  });

  it('compute daemon makes an existing 0755 state folder and its 0644 files private before it changes anything', async () => {
    const base = tempDir('compute-private-');
    const stateDir = join(base, 'state');
    mkdirSync(stateDir, { mode: 0o755 });
    chmodSync(stateDir, 0o755);
    writeFileSync(join(stateDir, 'state.json'), '{"version":1,"units":[]}', { mode: 0o644 });
    writeFileSync(join(stateDir, 'daemon.pid'), '999999\n', { mode: 0o644 });
    // The root exists before the daemon starts: a leak sweep (another test run's teardown) kills a daemon whose
    // --root folder is missing, which this one's is until it creates it.
    mkdirSync(join(base, 'root'));
    const daemon = spawnCli(base, ['daemon', '--root', join(base, 'root')]);
    await waitFor(() => daemon.stdout().includes('listening on unix:'), { what: 'the daemon to listen' }).catch((error: Error) => {
      throw new Error(`${error.message}; it printed: ${daemon.stdout()}${daemon.stderr()}`);
    });
    expect(octal(stateDir)).toBe('700');
    expect(octal(join(stateDir, 'state.json'))).toBe('600');
    expect(octal(join(stateDir, 'daemon.pid'))).toBe('600');
    const listing = modes(stateDir);
    expect(listing).toEqual(allPrivate(listing));
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
  });
});
