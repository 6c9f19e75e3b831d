// `compute exec` and `compute events` on a running project, the built CLI spawned as a user would.
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/contract/discovery.js';
import { waitFor } from '../helpers/wait.js';
import { runCli, runCliUnderTerminal, spawnCli, writeProject } from './project-harness.js';

const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
});

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

  it('gives the command the terminal: a TTY stays a TTY, and the exit code comes through it', async () => {
    const dir = writeProject(PROJECT);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const result = await runCliUnderTerminal(dir, ['exec', 'web', '--', 'sh', '-c', 'test -t 0 && test -t 1 && echo "a tty, $GREETING"; exit 5']);
    expect(result.output).toContain('a tty, hello');
    expect(result.code).toBe(5);
    // Without a terminal, the same command sees none.
    expect(await runCli(dir, ['exec', 'web', '--', 'sh', '-c', 'test -t 0 || echo "no tty"'])).toMatchObject({ code: 0, stdout: 'no tty\n' });
  });

  it('passes piped input through, and the unit\'s variables but none of the markers that make a process the unit\'s', async () => {
    const dir = writeProject(PROJECT);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const piped = await spawnCli(dir, ['exec', 'web', '--', 'sh', '-c', 'tr a-z A-Z; env | grep -c "^COMPUTE_" || true'], {}, 'piped in\n').exited;
    expect(piped).toMatchObject({ code: 0, stdout: 'PIPED IN\n0\n' });
    expect((await runCli(dir, ['exec', 'web', '--', 'no-such-command'])).code).toBe(127);
  });

  it('leaves what the command starts alone when the unit restarts: it is not one of the unit\'s processes', async () => {
    const dir = writeProject(PROJECT);
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const started = await runCli(dir, ['exec', 'web', '--', 'sh', '-c', 'sleep 120 >/dev/null 2>&1 & echo $!']);
    const pid = Number(started.stdout.trim());
    strays.push(pid);
    expect(pidAlive(pid)).toBe(true);
    expect((await runCli(dir, ['restart', 'web'])).code).toBe(0);
    expect(pidAlive(pid)).toBe(true);
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
