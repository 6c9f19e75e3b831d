// `compute logs` on real projects: merged by time, --tail, --stream, --timestamps, and -f until Ctrl-C.
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/cli/output/logs.js';
import type { SandboxClient } from '../../src/sdk/index.js';
import { waitFor } from '../helpers/wait.js';
import { bringUp, copyProject, projectClient, runCli, spawnCli } from './project-harness.js';

async function portOf(client: SandboxClient, name: string): Promise<number> {
  return waitFor(async () => (await client.unit(name))?.port, { what: `the port of ${name}` });
}

// Sends a request that the unit logs as `NAME GET PATH`, and waits until the daemon has read that line, so that
// requests made one after the other have lines with increasing times.
async function request(client: SandboxClient, name: string, path: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${await portOf(client, name)}${path}`);
  await response.text();
  await waitFor(async () => (await readLines(client, name, {})).some((line) => line.text === `${name} GET ${path}`), { what: `${name}'s line for ${path}` });
}

// `name | text` lines of the output as [name, text].
function parsed(stdout: string): [string, string][] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(\S+) *\| (.*)$/.exec(line);
      if (!match) throw new Error(`not a log line: ${JSON.stringify(line)}`);
      return [match[1] as string, match[2] as string];
    });
}

describe('compute logs', () => {
  it('merges every unit\'s lines by the time they were written, prefixed and padded per unit', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    const client = await projectClient(dir);
    try {
      await request(client, 'api', '/first');
      await request(client, 'web', '/second');
      await request(client, 'api', '/third');
      const result = await runCli(dir, ['logs']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      for (const line of result.stdout.trimEnd().split('\n')) expect(line).toMatch(/^(db |api|web) \| /);
      const lines = parsed(result.stdout);
      const requests = lines.filter(([, text]) => / GET \//.test(text));
      expect(requests).toEqual([
        ['api', 'api GET /first'],
        ['web', 'web GET /second'],
        ['api', 'api GET /third'],
      ]);
      // Every line the daemon holds, each once, in the order of their times.
      const all = await Promise.all(['db', 'api', 'web'].map(async (name) => (await readLines(client, name, {})).map((line) => ({ name, line }))));
      const expected = all.flat().sort((a, b) => a.line.ts - b.line.ts);
      expect(lines.map(([name, text]) => `${name}:${text}`).sort()).toEqual(expected.map(({ name, line }) => `${name}:${line.text}`).sort());
      const times = lines.map(([name, text]) => expected.find((e) => e.name === name && e.line.text === text)?.line.ts ?? NaN);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    } finally {
      await client.close();
    }
  });

  it('--tail N shows each unit\'s last N lines; --stream picks stdout or stderr; NAME limits the units', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    const client = await projectClient(dir);
    try {
      await request(client, 'api', '/a');
      await request(client, 'api', '/b');
      await request(client, 'web', '/c');

      const tail = await runCli(dir, ['logs', '--tail', '1']);
      expect(tail.code).toBe(0);
      const last = await Promise.all(['db', 'api', 'web'].map(async (name) => [name, (await readLines(client, name, { tail: 1 }))[0]?.text]));
      expect(parsed(tail.stdout).sort()).toEqual(last.sort());
      expect(parsed(tail.stdout).find(([name]) => name === 'api')).toEqual(['api', 'api GET /b']);

      // The servers print `NAME up` on stderr and everything else on stdout; db writes to stdout only.
      const stderr = await runCli(dir, ['logs', '--stream', 'stderr']);
      expect(parsed(stderr.stdout).sort()).toEqual([
        ['api', 'api up'],
        ['web', 'web up'],
      ]);
      const stdout = await runCli(dir, ['logs', '--stream', 'stdout', 'api']);
      expect(parsed(stdout.stdout)).toEqual([
        ['api', expect.stringMatching(/^api listening \d+$/)],
        ['api', 'api GET /a'],
        ['api', 'api GET /b'],
      ]);
    } finally {
      await client.close();
    }
  });

  it('--timestamps puts the ISO time each line was read after the prefix', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir, ['db']);
    const client = await projectClient(dir);
    try {
      const result = await runCli(dir, ['logs', '--timestamps', 'db']);
      expect(result.code).toBe(0);
      const lines = await readLines(client, 'db', {});
      expect(lines.length).toBeGreaterThan(0);
      expect(result.stdout).toBe(lines.map((line) => `db | ${new Date(line.ts).toISOString()} ${line.text}\n`).join(''));
    } finally {
      await client.close();
    }
  });

  it('-f prints lines written after it started, across a restart, until Ctrl-C (exit 0)', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir);
    const client = await projectClient(dir);
    try {
      const follow = spawnCli(dir, ['logs', '-f', 'api', 'web']);
      await waitFor(() => follow.stdout().includes('web | web up') && follow.stdout().includes('api | api up'), { what: 'the past lines' });
      await request(client, 'api', '/after-start');
      await waitFor(() => follow.stdout().includes('api | api GET /after-start'), { what: 'the new line' });

      const before = (await client.unit('api'))?.pid;
      await client.restartUnit('api');
      await waitFor(() => follow.stdout().split('api | api up').length === 3, { what: 'the restarted process\'s first line' });
      expect((await client.unit('api'))?.pid).not.toBe(before);
      expect(follow.stdout()).not.toContain('db |');

      follow.child.kill('SIGINT');
      const result = await follow.exited;
      expect(result).toMatchObject({ code: 0, signal: null });
      expect(result.stderr).toBe('');
    } finally {
      await client.close();
    }
  });

  it('-f ends by itself (exit 0) once every followed unit is removed', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir, ['db']);
    const follow = spawnCli(dir, ['logs', '-f']);
    await waitFor(() => follow.stdout().includes('db | listening'), { what: 'the past lines' });
    const down = await runCli(dir, ['down']);
    expect(down.code).toBe(0);
    expect((await follow.exited).code).toBe(0);
  });

  it('-f followed by a compose file is --file', async () => {
    const dir = copyProject('three-tier');
    await bringUp(dir, ['db']);
    const result = await runCli(dir, ['logs', '-f', 'compute.yaml', 'db']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^db \| listening \d+\n$/);
  });

  it('names the known units when one is unknown (exit 2), and says so when the daemon is not running (exit 0)', async () => {
    const dir = copyProject('three-tier');
    const stopped = await runCli(dir, ['logs']);
    expect(stopped).toMatchObject({ code: 0, stdout: '' });
    expect(stopped.stderr).toContain("the project's daemon is not running");

    const unknown = await runCli(dir, ['logs', 'nope', 'api']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('compute: no such unit: nope (the project has db, api, web)\n');

    const stream = await runCli(dir, ['logs', '--stream', 'both']);
    expect(stream.code).toBe(2);
    expect(stream.stderr).toContain('Expected --stream to be stdout or stderr, got "both"');
  });
});
