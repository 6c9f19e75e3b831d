// `compute up` on real processes, the built CLI spawned as a user would: order, re-apply, failures, concurrency.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMarkedLeaders } from '../../src/daemon/units/adopt.js';
import { isAlive } from '../helpers/procs.js';
import { daemonPid } from './project-harness.js';
import { stackProject, type PsRow } from './stack.js';

/** Runs `up -d` and expects exit 0, showing what it printed when it is not. */
async function upOk(compute: (...args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>): Promise<void> {
  const result = await compute('up', '-d');
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
}

const pidsOf = (rows: Record<string, PsRow>) => Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, row.pid]));

describe('compute up -d', () => {
  it('brings a 3-level chain up in order, and down leaves no process behind', async () => {
    const { dir, env, compute, ps, units } = await stackProject();
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('all units are up');
    const rows = await ps();
    expect(Object.values(rows).map((row) => row.status)).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect(rows.api?.url).toBe(`http://localhost:${env.API_PORT}`);
    expect(await (await fetch(`http://127.0.0.1:${env.API_PORT}/`)).text()).toBe('api hello\n');
    // Each unit started only after what it needs was ready.
    const state = await units();
    const at = (name: string, field: 'startedAt' | 'readyAt') => Date.parse(state[name]?.[field] ?? '');
    expect(at('api', 'startedAt')).toBeGreaterThanOrEqual(at('db', 'readyAt'));
    expect(at('web', 'startedAt')).toBeGreaterThanOrEqual(at('api', 'readyAt'));
    const pids = Object.values(rows).map((row) => row.pid ?? 0);
    const daemon = daemonPid(dir) ?? 0;

    const down = await compute('down');
    expect(down.code, down.stderr).toBe(0);
    for (const pid of [...pids, daemon]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
  });

  it('re-applies only the difference: a changed environment, a removed unit, an added unit, a comment', async () => {
    const { compute, ps, edit } = await stackProject();
    await upOk(compute);
    const before = pidsOf(await ps());

    edit((yaml) => yaml.replace('GREETING: hello', 'GREETING: bonjour'));
    const changed = await compute('up', '-d', '--json');
    expect(changed.code, changed.stderr).toBe(0);
    const outcome = JSON.parse(changed.stdout) as { units: Array<{ name: string; action: string; status: string }> };
    expect(Object.fromEntries(outcome.units.map((unit) => [unit.name, unit.action]))).toEqual({ db: 'unchanged', api: 'replace', web: 'replace', cache: 'unchanged' });
    const after = pidsOf(await ps());
    // api changed; web restarts with it (restart: true); db and cache keep their processes.
    expect(after.db).toBe(before.db);
    expect(after.cache).toBe(before.cache);
    expect(after.api).not.toBe(before.api);
    expect(after.web).not.toBe(before.web);

    edit((yaml) => `${yaml}\n# a comment only\n`);
    const comment = await compute('up', '-d');
    expect(comment.code).toBe(0);
    expect(pidsOf(await ps())).toEqual(after);

    edit((yaml) => yaml.replace(/ {2}cache:\n.*\n/, ''));
    await upOk(compute);
    const removed = await ps();
    expect(Object.keys(removed)).toEqual(['db', 'api', 'web']);
    expect(isAlive(after.cache ?? 0)).toBe(false);

    edit((yaml) => `${yaml}  extra:\n    start: node app.mjs http extra\n`);
    await upOk(compute);
    const added = await ps();
    expect(added.extra?.status).toBe('ready');
    expect(pidsOf(added)).toMatchObject({ db: after.db, api: after.api, web: after.web });
  });

  it('fails with exit 1 when a branch fails: the other branch is ready, dependents are blocked', async () => {
    const { compute, ps, edit } = await stackProject();
    // cache dies before its health check ever passes, so it is never ready and what needs it never starts.
    edit((yaml) =>
      yaml.replace('start: node app.mjs http cache', 'start: node -e "console.error(\'cache is broken\'); process.exit(3)"\n    health_check: { log: "^cache listening" }'),
    );
    edit((yaml) => `${yaml}  front:\n    start: node app.mjs http front\n    needs: [cache]\n`);
    const up = await compute('up', '-d', '--json');
    expect(up.code).toBe(1);
    const outcome = JSON.parse(up.stdout) as { ok: boolean; units: Array<Record<string, string>> };
    expect(outcome.ok).toBe(false);
    const byName = Object.fromEntries(outcome.units.map((unit) => [unit.name, unit]));
    expect(byName.cache).toMatchObject({ status: 'failed', reason: { kind: 'exited', exit: { code: 3, signal: null } }, message: 'exited with code 3' });
    expect(byName.front).toMatchObject({ status: 'failed', blocked_by: 'cache' });
    expect([byName.db?.status, byName.api?.status, byName.web?.status]).toEqual(['ready', 'ready', 'ready']);
    // The failing unit is named with the last lines of its logs.
    expect(up.stderr).toContain('cache: failed (exited with code 3)');
    expect(up.stderr).toContain('cache | cache is broken');
    expect((await ps()).api?.status).toBe('ready');

    const text = await compute('up', '-d');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/front\s+start\s+failed\s+blocked by cache/);
  });

  it('two `compute up` at once on one project: no duplicate process, both finish with a correct state', async () => {
    const { dir, compute, ps } = await stackProject();
    const [first, second] = await Promise.all([compute('up', '-d'), compute('up', '-d')]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const rows = await ps();
    expect(Object.values(rows).every((row) => row.status === 'ready')).toBe(true);
    const leaders = findMarkedLeaders(realpathSync(join(dir, '.compute', 'state'))).filter((leader) => leader.phase === 'main');
    expect(leaders.map((leader) => leader.unit).sort()).toEqual(['api', 'cache', 'db', 'web']);
    expect(leaders.map((leader) => leader.pid).sort()).toEqual(Object.values(rows).map((row) => row.pid).sort());
  });

  it('with NAME... applies only those units and their needs', async () => {
    const { compute, ps } = await stackProject();
    const up = await compute('up', '-d', 'api');
    expect(up.code, up.stderr).toBe(0);
    const rows = await ps();
    expect([rows.db?.status, rows.api?.status]).toEqual(['ready', 'ready']);
    expect(rows.web?.status).toBe('not created');
  });

  it('exits 2 with a clear message for an unknown unit or a bad config, touching nothing', async () => {
    const { compute, ps, edit } = await stackProject();
    await upOk(compute);
    const before = pidsOf(await ps());
    const unknown = await compute('up', '-d', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('compute: no such unit: nope (the project has api, cache, db, web)\n');
    edit((yaml) => yaml.replace('    needs: [db]\n', '    needs: [dbb]\n'));
    const bad = await compute('up', '-d');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/compute\.yaml:\d+:\d+: .*dbb/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(pidsOf(await ps())).toEqual(before);
  });
});

describe('compute up with provider: computesdk (the client, not a provider)', () => {
  it('says so at its file:line:col and exits 2 instead of running the stack locally', async () => {
    const { compute, edit } = await stackProject();
    edit((yaml) => yaml.replace('sandbox: { root: . }', 'sandbox: { root: ., provider: computesdk }'));
    const up = await compute('up', '-d');
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/^compute\.yaml:\d+:\d+: sandbox\.provider: `computesdk` is the client, not a provider: name one, such as `e2b`/);
  });
});

describe('compute plan', () => {
  it('prints the actions up would take and changes nothing; --exit-code tells drift', async () => {
    const { compute, ps, edit } = await stackProject();
    const fresh = await compute('plan');
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('+ db');
    expect(fresh.stdout).toContain('Plan: 4 to create.');
    await upOk(compute);
    const before = pidsOf(await ps());
    expect((await compute('plan', '--exit-code')).code).toBe(0);

    edit((yaml) => yaml.replace('GREETING: hello', 'GREETING: hi'));
    const plan = await compute('plan', '--exit-code');
    expect(plan.code).toBe(3);
    expect(plan.stdout).toMatch(/~ api\s+replace \(environment\.GREETING\)/);
    expect(plan.stdout).toMatch(/~ web\s+replace \(needs api \(restart: true\)\)/);
    const json = JSON.parse((await compute('plan', '--json')).stdout) as { units: Array<{ name: string; action: string }> };
    expect(json.units.map((unit) => `${unit.name}:${unit.action}`)).toEqual(['cache:unchanged', 'db:unchanged', 'api:replace', 'web:replace']);
    expect(pidsOf(await ps())).toEqual(before);
  });
});
