// `up -d` tells the truth (issue 13): a unit that fails, restarts or exits non-zero while up waits makes it exit 1, and
// a daemon that dies during an apply is a fast, one-line error instead of a wait for the whole timeout.
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';
import { daemonPid, runCli, spawnCli, writeProject } from './project-harness.js';

describe('up -d reports what is true', () => {
  it('exits 1 for a crash-looping server without a health check, on the first run and on a re-run', async () => {
    const dir = writeProject('servers:\n  boom:\n    start: exit 3\n    restart_policy: on-failure\n    restart_delay_ms: 50\n');
    const first = await runCli(dir, ['up', '-d', '--timeout', '30000']);
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stdout).not.toContain('all units are up');
    expect(first.stdout).toContain('failed: boom');
    const again = await runCli(dir, ['up', '-d', '--timeout', '30000']);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain('failed: boom');
  });

  it('exits 1 when a completed one-shot is replaced by a version that exits 1', async () => {
    const dir = writeProject('servers:\n  seed:\n    start: exit 0\n');
    const ok = await runCli(dir, ['up', '-d']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    writeFileSync(join(dir, 'compute.yaml'), 'servers:\n  seed:\n    start: echo seeding; exit 1\n');
    const replaced = await runCli(dir, ['up', '-d']);
    expect(replaced.code, replaced.stdout + replaced.stderr).toBe(1);
    expect(replaced.stdout).toMatch(/seed\s+replace\s+failed/);
    expect(replaced.stderr).toContain('seeding');
  });
});

describe('a moved port', () => {
  it('is printed as a warning when a taken port moves to the next free one', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)));
    try {
      const dir = writeProject(`servers:\n  web:\n    start: exec sleep 600\n    port: ${port}\n    min_uptime_ms: 0\n`);
      const up = await runCli(dir, ['up', '-d']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stderr).toMatch(new RegExp(`warning: web: port ${port} is taken, using \\d+`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('a daemon lost during up', () => {
  it('ends up -d with exit 1 and one line naming daemon.out, soon after the daemon dies', async () => {
    // Units that take long to be ready, so the apply is still waiting when the daemon is killed.
    const units = Array.from({ length: 30 }, (_, i) => `  w${i}:\n    start: exec sleep 600\n    min_uptime_ms: 60000\n`).join('');
    const dir = writeProject(`servers:\n${units}`);
    const up = spawnCli(dir, ['up', '-d']);
    const pid = await waitFor(() => daemonPid(dir), { what: 'the daemon to start' });
    await waitFor(() => up.stdout().includes('running'), { what: 'the apply to be waiting on running units' });
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const result = await up.exited;
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toMatch(/sandbox daemon.*daemon\.out/);
    expect(result.stderr).not.toContain('internal error');
    // The units it left are taken over and ended by down.
    const down = await runCli(dir, ['down']);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(isAlive(pid)).toBe(false);
  });
});

describe('test runs against a stack', () => {
  const stack = 'servers:\n  api:\n    start: exec sleep 600\n    min_uptime_ms: 0\n  tests:\n    start: sleep 0.3; exit 4\n    needs: { api: { condition: started } }\n';

  it('--exit-code-from NAME stops the stack once NAME exits and exits with its code', async () => {
    const dir = writeProject(stack);
    const run = await runCli(dir, ['up', '--exit-code-from', 'tests', '--timeout', '30000']);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.stderr).toContain('tests exited; gracefully stopping the stack');
    const ps = JSON.parse((await runCli(dir, ['ps', '--json'])).stdout) as Array<{ name: string; status: string }>;
    expect(ps.find((row) => row.name === 'api')?.status).toBe('stopped');
  });

  it('--abort-on-exit stops the stack when any unit exits (exit 1 for a failure); an unknown NAME is exit 2', async () => {
    const dir = writeProject(stack);
    const run = await runCli(dir, ['up', '--abort-on-exit']);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain('tests exited');
    expect((await runCli(dir, ['up', '--exit-code-from', 'nope'])).code).toBe(2);
    expect((await runCli(dir, ['up', '-d', '--abort-on-exit'])).code).toBe(2);
  });
});
