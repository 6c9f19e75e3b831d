// `compute up` starts a fresh project's daemon while it reads the config: a bad config must stop that daemon again,
// leave no folder it created, and never touch what runs (units of a daemon that crashed are not adopted and stopped).
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEarlyDaemon } from '../../src/cli/early-daemon.js';
import { pidAlive, readPidFile } from '../../src/contract/discovery.js';
import { findMarkedLeaders } from '../../src/daemon/units/adopt.js';
import { daemonPidsOf, isAlive, processGroupMembers } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { daemonPid, runCli, writeProject } from './project-harness.js';

const SLEEPER = 'name: early\nservers:\n  sleeper:\n    start: sleep 300\n';
const orphans: number[] = [];

afterEach(() => {
  for (const pgid of orphans.splice(0)) for (const pid of processGroupMembers(pgid)) process.kill(pid, 'SIGKILL');
});

describe('compute up on a fresh project with a bad config', () => {
  it.each([
    ['an invalid file', (yaml: string) => `${yaml}    needs: [nothing]\n`, [] as string[], /compute\.yaml:\d+:\d+: .*nothing/],
    ['an unknown unit name', (yaml: string) => yaml, ['nope'], /no such unit: nope/],
  ])('%s: exits 2, no daemon is left and no .compute folder created', async (_, change, names, message) => {
    const dir = writeProject(change(SLEEPER));
    const up = await runCli(dir, ['up', '-d', ...names]);
    expect(up.code, up.stderr).toBe(2);
    expect(up.stderr).toMatch(message);
    expect(daemonPidsOf(join(dir, '.compute', 'state'))).toEqual([]);
    expect(existsSync(join(dir, '.compute'))).toBe(false);
  });

  it('after a down: exits 2, no daemon is left, and the state folder with its logs stays', async () => {
    const dir = writeProject(SLEEPER);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    expect((await runCli(dir, ['down'])).code).toBe(0);
    writeFileSync(join(dir, 'compute.yaml'), `${SLEEPER}    needs: [nothing]\n`);
    const up = await runCli(dir, ['up', '-d']);
    expect(up.code, up.stderr).toBe(2);
    expect(daemonPidsOf(join(dir, '.compute', 'state'))).toEqual([]);
    expect(existsSync(join(dir, '.compute', 'state', 'logs'))).toBe(true);
  });

  it('does not start (and so cannot stop) anything while the state folder records units: a crashed daemon\'s unit keeps running', async () => {
    const dir = writeProject(SLEEPER);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const unitPid = await crashDaemon(dir);
    writeFileSync(join(dir, 'compute.yaml'), `${SLEEPER}    needs: [nothing]\n`);
    const up = await runCli(dir, ['up', '-d']);
    expect(up.code, up.stderr).toBe(2);
    expect(isAlive(unitPid)).toBe(true);
    expect(daemonPidsOf(join(dir, '.compute', 'state'))).toEqual([]);
  });
});

describe('compute up on a fresh project', () => {
  it('two at once: both finish, one daemon serves the project and the unit runs once', async () => {
    const dir = writeProject(SLEEPER);
    const [first, second] = await Promise.all([runCli(dir, ['up', '-d']), runCli(dir, ['up', '-d'])]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const stateDir = join(dir, '.compute', 'state');
    expect(daemonPidsOf(stateDir)).toEqual([daemonPid(dir)]);
    const leaders = findMarkedLeaders(realpathSync(stateDir));
    expect(leaders.map((leader) => leader.unit)).toEqual(['sleeper']);
  });
});

describe('startEarlyDaemon', () => {
  const io = (cwd: string) => ({ cwd, env: {} });

  it.each([
    ['sets sandbox.root (block)', 'name: a\nsandbox:\n  root: ./box\nservers: {}\n'],
    ['sets sandbox.root (flow)', 'name: a\nsandbox: { root: . }\nservers: {}\n'],
    ['sets a provider', 'name: a\nsandbox: {"provider": computesdk}\nservers: {}\n'],
  ])('starts nothing when the file %s', async (_, yaml) => {
    const dir = tempDir('compute-early-');
    writeFileSync(join(dir, 'compute.yaml'), yaml);
    const early = await startEarlyDaemon({}, io(dir));
    await early?.cancel();
    expect(early).toBeUndefined();
    expect(existsSync(join(dir, '.compute'))).toBe(false);
  });

  it('starts nothing without a compose file, or when the state folder records units', async () => {
    const dir = tempDir('compute-early-');
    expect(await startEarlyDaemon({}, io(dir))).toBeUndefined();
    writeFileSync(join(dir, 'compute.yaml'), SLEEPER);
    const stateDir = join(dir, '.compute', 'state');
    for (const recorded of ['{"version":1,"units":[{"name":"x"}]}', 'not json']) {
      writeProjectState(stateDir, recorded);
      const early = await startEarlyDaemon({}, io(dir));
      await early?.cancel();
      expect(early).toBeUndefined();
    }
  });

  it('starts nothing while processes marked as the sandbox\'s run, even with its state folder deleted', async () => {
    const dir = writeProject(SLEEPER);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const unitPid = await crashDaemon(dir);
    rmSync(join(dir, '.compute'), { recursive: true, force: true });
    const early = await startEarlyDaemon({}, io(dir));
    await early?.cancel();
    expect(early).toBeUndefined();
    expect(isAlive(unitPid)).toBe(true);
  });

  it('starts the daemon for the state folder given with --state-dir, and cancel stops it and removes what it created', async () => {
    const dir = tempDir('compute-early-');
    writeFileSync(join(dir, 'compute.yaml'), SLEEPER);
    const early = await startEarlyDaemon({ 'state-dir': 'elsewhere' }, io(dir));
    expect(early?.stateDir).toBe(join(dir, 'elsewhere', 'state'));
    const pid = early?.daemon.pid ?? 0;
    await waitFor(() => readPidFile(join(dir, 'elsewhere', 'state')) === pid, { what: 'the daemon to hold its state folder' });
    await early?.cancel();
    expect(pidAlive(pid)).toBe(false);
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);
  });
});

/** Kills the project's daemon with SIGKILL, leaving its unit running; returns the unit's pid (ended after the test). */
async function crashDaemon(dir: string): Promise<number> {
  const ps = JSON.parse((await runCli(dir, ['ps', '--json'])).stdout) as Array<{ name: string; pid?: number }>;
  const unitPid = ps.find((row) => row.name === 'sleeper')?.pid ?? 0;
  orphans.push(unitPid);
  const daemon = daemonPid(dir) ?? 0;
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => !pidAlive(daemon), { what: 'the daemon to die' });
  return unitPid;
}

function writeProjectState(stateDir: string, content: string): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'state.json'), content);
}
