// `compute up` in the foreground and with --watch: live re-apply on saves, invalid edits, Ctrl-C.
import { describe, expect, it } from 'vitest';
import type { UnitState } from '../../src/contract/unit.js';
import { isAlive } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';
import { projectClient, spawnCli } from './project-harness.js';
import { stackProject } from './stack.js';

const pids = (state: Record<string, UnitState>) => Object.fromEntries(Object.entries(state).map(([name, unit]) => [name, unit.pid]));

describe('compute up --watch', () => {
  it('re-applies each valid save, ignores an invalid one (keeping what runs), and stops the stack on Ctrl-C', async () => {
    const { dir, env, edit, units, allReady } = await stackProject();
    const cli = spawnCli(dir, ['up', '--watch'], env);
    const first = await waitFor(() => allReady(['db', 'api', 'web', 'cache']), { what: 'the stack to be ready', timeoutMs: 30_000 });
    await waitFor(() => cli.stderr().includes('watching'), { what: 'the watch to begin' });
    // The foreground follows the logs with a `name | ` prefix.
    await waitFor(() => /api +\| api listening \d+ greeting=hello/.test(cli.stdout()), { what: 'api logs' });

    edit((yaml) => yaml.replace('GREETING: hello', 'GREETING: salut'));
    const second = await waitFor(
      async () => {
        const state = await allReady(['db', 'api', 'web', 'cache']);
        return state && state.api?.pid !== first.api?.pid && state.web?.pid !== first.web?.pid ? state : undefined;
      },
      { what: 'api and web replaced' },
    );
    expect(second.db?.pid).toBe(first.db?.pid);
    expect(second.cache?.pid).toBe(first.cache?.pid);
    expect(await (await fetch(`http://127.0.0.1:${env.API_PORT}/`)).text()).toBe('api salut\n');

    edit((yaml) => yaml.replace('    needs: [db]\n', '    needs: [nothing-here]\n'));
    await waitFor(() => /compute\.yaml:\d+:\d+: .*nothing-here/.test(cli.stderr()), { what: 'the config error' });
    await waitFor(() => cli.stderr().includes('nothing was changed'), { what: 'the keep-running notice' });
    expect(pids(await units())).toEqual(pids(second));

    edit((yaml) => yaml.replace('    needs: [nothing-here]\n', '    needs: [db]\n').replace('GREETING: salut', 'GREETING: hola'));
    const third = await waitFor(
      async () => {
        const state = await allReady(['db', 'api', 'web', 'cache']);
        return state && state.api?.pid !== second.api?.pid ? state : undefined;
      },
      { what: 'the next valid save applied' },
    );
    expect(third.cache?.pid).toBe(first.cache?.pid);

    cli.child.kill('SIGINT');
    const result = await cli.exited;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Gracefully stopping');
    const after = await units();
    expect(Object.values(after).map((unit) => unit.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    for (const unit of Object.values(third)) expect(isAlive(unit.pid ?? 0)).toBe(false);
  });

  it('stops dependents before their needs on Ctrl-C in the foreground', async () => {
    const { dir, env, allReady } = await stackProject();
    const cli = spawnCli(dir, ['up'], env);
    await waitFor(() => allReady(['db', 'api', 'web', 'cache']), { what: 'the stack to be ready', timeoutMs: 30_000 });
    const client = await projectClient(dir);
    const stops: string[] = [];
    const abort = new AbortController();
    const watching = (async () => {
      for await (const item of client.events(abort.signal)) {
        if (item.type === 'event' && item.event.to === 'stopped') stops.push(item.event.unit);
      }
    })().catch(() => undefined);
    try {
      await waitFor(() => cli.stdout().includes('all units are up'), { what: 'the outcome' });
      cli.child.kill('SIGINT');
      expect((await cli.exited).code).toBe(130);
      await waitFor(() => stops.length === 4, { what: 'four stops' });
      expect(stops.indexOf('web')).toBeLessThan(stops.indexOf('api'));
      expect(stops.indexOf('api')).toBeLessThan(stops.indexOf('db'));
    } finally {
      abort.abort();
      await watching;
      await client.close();
    }
  });

  it('stops the stack on SIGTERM to a foreground up, as on Ctrl-C (issue 17: it exited 143 and left every unit running)', async () => {
    const { dir, env, allReady, ps } = await stackProject();
    const cli = spawnCli(dir, ['up'], env);
    await waitFor(() => allReady(['db', 'api', 'web', 'cache']), { what: 'the stack to be ready', timeoutMs: 30_000 });
    await waitFor(() => cli.stdout().includes('all units are up'), { what: 'the outcome' });
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(130);
    expect(Object.values(await ps()).map((row) => row.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
  });
});
