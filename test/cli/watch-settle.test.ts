// `compute up --watch` waits for the files to settle (issue 13): a file written in two pieces half a second apart
// removes and recreates nothing, a file saved empty changes nothing that runs, and a removal meant is applied.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { UnitState } from '../../src/contract/unit.js';
import { waitFor } from '../helpers/wait.js';
import { spawnCli } from './project-harness.js';
import { stackProject } from './stack.js';

const UNITS = ['db', 'api', 'web', 'cache'];
const pids = (state: Record<string, UnitState>) => Object.fromEntries(Object.entries(state).map(([name, unit]) => [name, unit.pid]));
// The verdict line each apply ends with (the first apply's included).
const applies = (stdout: string) => stdout.split('\n').filter((line) => line === 'all units are up' || line === 'nothing to do').length;

async function watching() {
  const project = await stackProject();
  const cli = spawnCli(project.dir, ['up', '--watch'], project.env);
  const first = await waitFor(() => project.allReady(UNITS), { what: 'the stack to be ready', timeoutMs: 30_000 });
  await waitFor(() => cli.stderr().includes('watching'), { what: 'the watch to begin' });
  return { ...project, cli, first, file: join(project.dir, 'compute.yaml') };
}

describe('compute up --watch settles before planning', () => {
  it('holds a file written half, then applies the rest written 500 ms later: no unit removed or recreated', async () => {
    const { cli, first, file, units } = await watching();
    const whole = readFileSync(file, 'utf8');
    // The first half is a valid config of `db` alone: applied on its own, it would remove api, web and cache.
    const cut = whole.indexOf('servers:\n');
    writeFileSync(file, whole.slice(0, cut));
    await delay(500); // the scenario itself: a writer that pauses half-way
    appendFileSync(file, whole.slice(cut));
    await waitFor(() => applies(cli.stdout()) === 2, { what: 'the re-apply of the whole file', timeoutMs: 30_000 });
    expect(cli.stdout(), cli.stdout()).not.toMatch(/remov|recreat/i);
    expect(pids(await units())).toEqual(pids(first));
  });

  it('keeps every unit running when the file is saved empty, then applies a save that removes a unit', async () => {
    const { cli, first, file, units, edit } = await watching();
    const whole = readFileSync(file, 'utf8');
    edit(() => '');
    await waitFor(() => cli.stderr().includes('compute.yaml:1:1: the file is empty'), { what: 'the empty-file error' });
    await waitFor(() => cli.stderr().includes('nothing was changed'), { what: 'the keep-running notice' });
    expect(pids(await units())).toEqual(pids(first));
    edit(() => whole);
    await waitFor(() => applies(cli.stdout()) === 2, { what: 'the restored file applied' });
    expect(pids(await units())).toEqual(pids(first));
    // A removal meant: applied once the file has stayed as it is for the hold.
    edit((yaml) => yaml.slice(0, yaml.indexOf('  cache:\n')));
    await waitFor(() => cli.stderr().includes('the config removes cache; applying it once'), { what: 'the hold' });
    const after = await waitFor(async () => { const state = await units(); return state.cache ? undefined : state; }, { what: 'cache removed' });
    const { cache: _, ...others } = pids(first);
    expect(pids(after)).toEqual(others);
  });
});
