// POST /run/command and the background command routes over the daemon's unix socket, with real processes.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';
import { describe, expect, it } from 'vitest';
import { connect } from '../../../src/sdk/index.js';
import { isAlive, processGroupMembers } from '../../helpers/procs.js';
import { waitFor } from '../../helpers/wait.js';
import { startTestDaemon } from './harness.js';

describe('POST /run/command', () => {
  it('runs a shell command in the sandbox root and answers with the 2.x fields in the envelope', async () => {
    const { http, root } = await startTestDaemon();
    const reply = await http.call('POST', '/run/command', { command: 'pwd; echo oops >&2' });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 'success', message: 'Command executed' });
    const data = reply.json.data;
    expect(data).toMatchObject({ command: 'pwd; echo oops >&2', status: 'completed', stdout: `${realpathSync(root)}\n`, stderr: 'oops\n', exit_code: 0 });
    expect(typeof data.duration_ms).toBe('number');
    expect(typeof data.pid).toBe('number');
    expect(Number.isNaN(Date.parse(data.started_at))).toBe(false);
    // Nothing is kept of a command run to its end, so there is no id to look it up by.
    expect(data.cmd_id).toBeUndefined();
  });

  it('runs in a sandbox cwd (absolute or relative) with the given environment and the sandbox marker', async () => {
    const { http, root, stateDir } = await startTestDaemon();
    mkdirSync(join(root, 'app', 'src'), { recursive: true });
    for (const cwd of ['/app/src', 'app/src']) {
      const reply = await http.call('POST', '/run/command', { command: 'pwd; echo "$GREETING $COMPUTE_SANDBOX"', cwd, env: { GREETING: 'hi' } });
      expect(reply.json.data.stdout).toBe(`${realpathSync(join(root, 'app', 'src'))}\nhi ${realpathSync(stateDir)}\n`);
    }
  });

  it('reports a non-zero exit and an exit by signal as results, not errors', async () => {
    const { http } = await startTestDaemon();
    const failed = await http.call('POST', '/run/command', { command: 'echo no >&2; exit 3' });
    expect(failed.status).toBe(200);
    expect(failed.json.data).toMatchObject({ status: 'failed', exit_code: 3, stderr: 'no\n' });
    const killed = await http.call('POST', '/run/command', { command: 'kill -TERM $$' });
    expect(killed.json.data).toMatchObject({ status: 'failed', exit_code: 143 });
  });

  it('kills the whole process group on timeout and says so', async () => {
    const { http, root } = await startTestDaemon();
    const reply = await http.call('POST', '/run/command', { command: 'sleep 60 & echo $! > child; echo started; wait', timeout: 0.5 });
    expect(reply.json.data).toMatchObject({ status: 'failed', exit_code: 124, timed_out: true, stdout: 'started\n' });
    const leader = reply.json.data.pid as number;
    const child = Number(readFileSync(join(root, 'child'), 'utf8'));
    await waitFor(() => processGroupMembers(leader).length === 0 && !isAlive(child), { what: 'the command\'s group to be gone' });
  });

  it('answers when the shell exits even if a grandchild holds its output open; the daemon ends that grandchild on close', async () => {
    const { daemon, http, root } = await startTestDaemon();
    const reply = await http.call('POST', '/run/command', { command: 'sleep 120 & echo $! > child; echo done' });
    expect(reply.json.data).toMatchObject({ status: 'completed', exit_code: 0, stdout: 'done\n' });
    const child = Number(readFileSync(join(root, 'child'), 'utf8'));
    expect(isAlive(child)).toBe(true);
    await daemon.close();
    await waitFor(() => !isAlive(child), { what: 'the grandchild to be ended with the daemon' });
  });

  it('kills a running command when its client goes away', async () => {
    const { daemon, root } = await startTestDaemon();
    const client = new Client('http://localhost', { socketPath: daemon.socketPath });
    const controller = new AbortController();
    const request = client
      .request({ method: 'POST', path: '/run/command', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ command: 'echo $$ > leader; sleep 120' }), signal: controller.signal })
      .catch((error: unknown) => error);
    const leader = await waitFor(() => (existsSync(join(root, 'leader')) ? Number(readFileSync(join(root, 'leader'), 'utf8')) : 0), { what: 'the command to start' });
    controller.abort();
    await request;
    await client.close();
    await waitFor(() => processGroupMembers(leader).length === 0, { what: 'the abandoned command to be killed' });
  });

  it('carries out the 2.x client\'s mkdir -p and test -e on sandbox paths, not host paths', async () => {
    const { http, root } = await startTestDaemon();
    const mkdir = await http.call('POST', '/run/command', { command: "mkdir -p '/app/it'\\''s here'" });
    expect(mkdir.json.data).toMatchObject({ status: 'completed', exit_code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(root, 'app', "it's here"))).toBe(true);
    const relative = await http.call('POST', '/run/command', { command: 'mkdir -p lib', cwd: '/app' });
    expect(relative.json.data.exit_code).toBe(0);
    expect(existsSync(join(root, 'app', 'lib'))).toBe(true);

    const exists = (path: string) => http.call('POST', '/run/command', { command: `test -e ${path}` });
    expect((await exists("'/app/it'\\''s here'")).json.data.exit_code).toBe(0);
    expect((await exists('/app/nope')).json.data).toMatchObject({ status: 'failed', exit_code: 1 });
    const escape = await http.call('POST', '/run/command', { command: 'mkdir -p ../../outside' });
    expect(escape.json.data).toMatchObject({ exit_code: 1, stderr: 'mkdir: path "/../../outside" escapes the sandbox root\n' });
  });

  it.each([
    ['bad JSON', '{"command":', 400, 'invalid JSON in request body'],
    ['no command', { cwd: '/' }, 400, 'run/command: "command" is required'],
    ['an empty command', { command: '' }, 400, 'run/command: "command" must be a non-empty string'],
    ['a wrong type', { command: 'true', timeout: '5' }, 400, 'run/command: "timeout" must be a number of seconds greater than 0'],
    ['a zero timeout', { command: 'true', timeout: 0 }, 400, 'run/command: "timeout" must be a number of seconds greater than 0'],
    ['a bad env', { command: 'true', env: { A: 1 } }, 400, 'run/command: "env.A" must be a string'],
    ['a cwd that escapes', { command: 'true', cwd: '../..' }, 403, 'path "../.." escapes the sandbox root'],
    ['a missing cwd', { command: 'true', cwd: '/nope' }, 400, 'run/command: "cwd" /nope does not exist in the sandbox'],
    ['a missing shell', { command: 'true', shell: '/no/such/sh' }, 400, 'run/command: cannot run "/no/such/sh": not found'],
    ['streaming', { command: 'true', stream: true }, 501, 'streaming output over WebSocket ("stream": true) is not supported'],
  ])('answers %s with its status and message', async (_what, body, status, message) => {
    const { http } = await startTestDaemon();
    const reply = await http.call('POST', '/run/command', body);
    expect(reply.status).toBe(status);
    expect(reply.json.error).toContain(message);
  });

  it('answers 400 for a cwd that is a file', async () => {
    const { http, root } = await startTestDaemon();
    writeFileSync(join(root, 'file'), 'x');
    const reply = await http.call('POST', '/run/command', { command: 'true', cwd: '/file' });
    expect(reply).toMatchObject({ status: 400, json: { error: 'run/command: "cwd" /file is not a folder' } });
  });
});

describe('background commands', () => {
  it('starts at once with its ids, then is listed, retrieved and waited for', async () => {
    const { http, root } = await startTestDaemon();
    writeFileSync(join(root, 'go'), '');
    const started = await http.call('POST', '/run/command', { command: 'echo begun; while [ -e go ]; do sleep 0.05; done; echo ended; exit 2', background: true });
    expect(started.status).toBe(202);
    const { cmd_id: id, terminal_id: terminal } = started.json.data;
    expect(started.json.data).toMatchObject({ terminal_id: 'exec', status: 'running', command: expect.stringContaining('echo begun') });
    expect(id).toMatch(/^cmd_[0-9a-f]{12}$/);

    const running = await waitFor(async () => {
      const got = await http.call('GET', `/terminals/${terminal}/commands/${id}`);
      return got.json.data.stdout === 'begun\n' ? got : undefined;
    }, { what: 'the output so far' });
    expect(running.json.data.status).toBe('running');
    const early = await http.call('GET', `/terminals/${terminal}/commands/${id}/wait?timeout=0.1`);
    expect(early).toMatchObject({ status: 408, json: { error: `command "${id}" is still running after 0.1 s` } });

    const list = await http.call('GET', `/terminals/${terminal}/commands`);
    expect(list.json.data).toMatchObject({ count: 1, commands: [{ cmd_id: id }] });
    const waiting = http.call('GET', `/terminals/${terminal}/commands/${id}/wait`);
    await http.call('DELETE', '/files/go');
    const done = await waiting;
    expect(done.status).toBe(200);
    expect(done.json.data).toMatchObject({ cmd_id: id, status: 'failed', exit_code: 2, stdout: 'begun\nended\n' });
    expect(typeof done.json.data.duration_ms).toBe('number');
    expect(Date.parse(done.json.data.finished_at)).toBeGreaterThanOrEqual(Date.parse(done.json.data.started_at));
  });

  it('serves the SDK client\'s runCommand and commands.{list, retrieve, wait}', async () => {
    const { daemon } = await startTestDaemon();
    const sdk = connect({ socketPath: daemon.socketPath });
    try {
      expect(await sdk.runCommand('echo "$X"', { env: { X: 'y' } })).toMatchObject({ stdout: 'y\n', exit_code: 0, status: 'completed' });
      const quick = await sdk.runCommand('echo bg', { background: true });
      expect(await sdk.commands.wait(quick.cmd_id as string)).toMatchObject({ cmd_id: quick.cmd_id, stdout: 'bg\n', status: 'completed', exit_code: 0 });
      expect(await sdk.commands.retrieve(quick.cmd_id as string)).toMatchObject({ status: 'completed' });
      const slow = await sdk.runCommand('sleep 120', { background: true });
      expect((await sdk.commands.list()).map((c) => c.cmd_id)).toEqual([quick.cmd_id, slow.cmd_id]);
      await expect(sdk.commands.wait(slow.cmd_id as string, { timeout: 0.05 })).rejects.toMatchObject({ status: 408 });
    } finally {
      await sdk.close();
    }
  });

  it('answers 404 for an unknown command or terminal', async () => {
    const { http } = await startTestDaemon();
    for (const path of ['/terminals/exec/commands/cmd_nope', '/terminals/exec/commands/cmd_nope/wait', '/terminals/other/commands/cmd_x', '/terminals/other/commands']) {
      const reply = await http.call('GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.json.error).toMatch(/^(command "cmd_(nope|x)"|terminal "other") not found/);
    }
  });

  it('ends with the daemon', async () => {
    const { daemon, http } = await startTestDaemon();
    const started = await http.call('POST', '/run/command', { command: 'sleep 120', background: true });
    const pid = started.json.data.pid as number;
    expect(isAlive(pid)).toBe(true);
    await daemon.close();
    expect(processGroupMembers(pid)).toEqual([]);
  });
});
