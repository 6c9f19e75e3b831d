// `compute exec` and `compute events` on a running project, the built CLI spawned as a user would.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { runCli, spawnCli, writeProject } from './project-harness.js';

const PROJECT = 'name: shop\nservers:\n  web:\n    start: exec sleep 600\n    environment: { GREETING: hello }\n    min_uptime_ms: 0\n';

describe('compute exec', () => {
  it("runs a command with the unit's environment and passes its exit code through", async () => {
    const dir = writeProject(PROJECT);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const result = await runCli(dir, ['exec', 'web', '--', 'sh', '-c', 'echo "$GREETING from $(pwd)"; echo oops >&2; exit 7']);
    expect(result.code).toBe(7);
    expect(result.stdout).toMatch(/^hello from \//);
    expect(result.stderr).toContain('oops');
    const unknown = await runCli(dir, ['exec', 'nope', '--', 'true']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no such unit: nope');
  });
});

describe('compute events', () => {
  it('prints each state change as a JSON line until Ctrl-C (exit 0)', async () => {
    const dir = writeProject(PROJECT);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const events = spawnCli(dir, ['events', '--json']);
    await waitFor(() => events.stderr().includes('following the events of project shop'), { what: 'events to subscribe' });
    expect((await runCli(dir, ['restart', 'web'])).code).toBe(0);
    await waitFor(() => events.stdout().includes('"to":"ready"'), { what: 'the restart to be seen' });
    const lines = events.stdout().trim().split('\n').map((line) => JSON.parse(line) as { unit: string; to: string; message?: string });
    expect(lines.map((line) => line.to)).toEqual(expect.arrayContaining(['restarting', 'starting', 'running', 'ready']));
    expect(lines.find((line) => line.to === 'restarting')?.message).toBe('restart requested');
    events.child.kill('SIGINT');
    expect((await events.exited).code).toBe(0);
  });
});
