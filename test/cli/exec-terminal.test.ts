// `compute exec` on this machine, the built CLI spawned as a user would: the unit's folder and environment, its
// terminal (a real pseudo-terminal from script(1)), -T, the one-line errors, and a command that stays its own: not
// adopted by a new daemon, not ended by down, ended with the CLI.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/contract/discovery.js';
import { waitFor } from '../helpers/wait.js';
import { daemonPid, projectClient, runCli, runCliUnderTerminal, spawnCli, spawnCliUnderTerminal, writeProject } from './project-harness.js';

const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
});

const PROJECT = `name: shelf
sandbox: { root: . }
servers:
  web:
    start: exec sleep 600
    path: /srv/web
    port: 47613
    env_file: web.env
    environment: { GREETING: hello, SHARED: from-spec }
    min_uptime_ms: 0
`;

// The project with its unit's folder and env_file, brought up with `compute up -d`.
async function upProject(): Promise<string> {
  const dir = writeProject(PROJECT);
  mkdirSync(join(dir, 'srv', 'web'), { recursive: true });
  writeFileSync(join(dir, 'web.env'), 'FROM_FILE=file\nSHARED=from-file\n');
  const up = await runCli(dir, ['up', '-d']);
  expect(up.code, up.stderr).toBe(0);
  return dir;
}

describe('compute exec (provider local)', () => {
  it("runs in the unit's folder with its environment and PORT, and none of the unit markers", async () => {
    const dir = await upProject();
    const client = await projectClient(dir);
    const port = (await client.unit('web'))?.port;
    await client.close();
    const script = 'pwd -P; echo "$GREETING $SHARED $FROM_FILE $PORT"; env | grep -c "^COMPUTE_" || true';
    const result = await runCli(dir, ['exec', 'web', '--', 'sh', '-c', script]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`${realpathSync(join(dir, 'srv', 'web'))}\nhello from-spec file ${port}\n0\n`);
    // A signal's end is 128 + its number.
    expect((await runCli(dir, ['exec', 'web', '--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143);
  });

  it('gives a pseudo-terminal to the command, or with -T only pipes (input still read), exit codes through script -e', async () => {
    const dir = await upProject();
    const probe = 'if test -t 0 || test -t 1 || test -t 2; then echo "a tty, TERM=$TERM"; else echo "no tty"; fi; exit 6';
    const tty = await runCliUnderTerminal(dir, ['exec', 'web', '--', 'sh', '-c', probe], { TERM: 'xterm-test' });
    expect(tty.output).toContain('a tty, TERM=xterm-test');
    expect(tty.code).toBe(6);
    const piped = await runCliUnderTerminal(dir, ['exec', '-T', 'web', '--', 'sh', '-c', probe]);
    expect(piped.output).toContain('no tty');
    expect(piped.code).toBe(6);
    // What is typed on the terminal still reaches the command through its pipe.
    const typed = spawnCliUnderTerminal(dir, ['exec', '-T', 'web', '--', 'sh', '-c', 'echo ready; read line; echo "got $line"']);
    await waitFor(() => typed.stdout().includes('ready'), { what: 'the command to be ready' });
    typed.child.stdin?.write('abc\n');
    expect(await typed.exited).toMatchObject({ code: 0, stdout: expect.stringContaining('got abc') });
    const cat = await spawnCli(dir, ['exec', '-T', 'web', '--', 'cat'], {}, 'hi\n').exited;
    expect(cat).toMatchObject({ code: 0, stdout: 'hi\n', stderr: '' });
  });

  it("sends the terminal's Ctrl-C to the command, whose exit is the CLI's", async () => {
    const dir = await upProject();
    const script = 'trap "echo got-int; exit 9" INT; echo ready; while :; do sleep 0.1; done';
    const exec = spawnCliUnderTerminal(dir, ['exec', 'web', '--', 'sh', '-c', script]);
    await waitFor(() => exec.stdout().includes('ready'), { what: 'the command to be ready' });
    exec.child.stdin?.write('\x03');
    const { code, stdout } = await exec.exited;
    expect(stdout).toContain('got-int');
    expect(code).toBe(9);
  });

  it('says in one line that a unit is unknown (exit 2) or that the daemon is not running (exit 1)', async () => {
    const dir = await upProject();
    expect(await runCli(dir, ['exec', 'nope', '--', 'true'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^compute: [^\n]*no such unit: nope[^\n]*\n$/) });
    const idle = writeProject(PROJECT);
    writeFileSync(join(idle, 'web.env'), '');
    const down = await runCli(idle, ['exec', 'web', '--', 'true']);
    expect(down).toMatchObject({ code: 1, stdout: '', stderr: "compute: the project's daemon is not running (compute up starts it)\n" });
  });

  it('runs a command that no new daemon adopts or ends and down leaves alone, and that ends with the CLI', async () => {
    const dir = await upProject();
    // A process leading its own group, as a job of an interactive shell does: with the unit's markers, a new daemon
    // would take it for one of the unit's and end it. The command itself then becomes `sleep 301`.
    const exec = spawnCli(dir, ['exec', 'web', '--', 'sh', '-c', 'setsid sleep 300 >/dev/null 2>&1 & echo $!; echo $$; exec sleep 301']);
    const [job, command] = await waitFor(() => {
      const pids = exec.stdout().trim().split('\n').map(Number).filter(Boolean);
      return pids.length === 2 ? pids : undefined;
    }, { what: "the command's pids" });
    strays.push(job as number, command as number);
    const daemon = daemonPid(dir) as number;
    process.kill(daemon, 'SIGKILL');
    await waitFor(() => !pidAlive(daemon), { what: 'the daemon to die' });
    // The new daemon adopts the unit's recorded process, and ends every other group leader with the unit's markers.
    expect((await runCli(dir, ['up', '-d'])).code).toBe(0);
    const client = await projectClient(dir);
    expect((await client.unit('web'))?.pid).not.toBe(job);
    await client.close();
    expect((await runCli(dir, ['down'])).code).toBe(0);
    expect([pidAlive(job as number), pidAlive(command as number)]).toEqual([true, true]);
    // SIGTERM to the CLI is passed on; its exit is the command's (128 + 15), and the command is gone.
    exec.child.kill('SIGTERM');
    expect((await exec.exited).code).toBe(143);
    await waitFor(() => !pidAlive(command as number), { what: 'the command to end' });
  });
});
