// Exec probes as real shells: exit codes, cwd and env, timeouts that leave no process behind, the monitor's pace.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execHealthyIntervalMs, probeExec, startHealthMonitor } from '../../../src/daemon/health/index.js';
import { isAlive, processGroupMembers } from '../../helpers/procs.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { noLines } from './context.js';
import { FakeClock } from './fake-clock.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Waits until no process of the group whose leader wrote its pid to `pidFile` is left. */
async function expectGroupGone(pidFile: string): Promise<void> {
  const pgid = Number(readFileSync(pidFile, 'utf8'));
  expect(pgid).toBeGreaterThan(0);
  await waitFor(() => processGroupMembers(pgid).length === 0 && !isAlive(pgid), { what: `group ${pgid} to end` });
}

describe('probeExec', () => {
  it('is ok when the command exits 0, in the given folder with exactly the given environment', async () => {
    const cwd = tempDir();
    const command = `test "$(pwd)" = "${cwd}" && test "$GREETING" = hello && test -z "$HOME"`;
    expect(await probeExec(command, { cwd, env: { ...env, GREETING: 'hello' }, timeoutMs: 10_000 })).toEqual({ ok: true });
  });

  it('fails with the exit code and the end of the output when the command exits non-zero', async () => {
    const result = await probeExec('echo not yet >&2; exit 1', { cwd: tempDir(), env, timeoutMs: 10_000 });
    expect(result).toEqual({ ok: false, error: 'exited with 1: not yet' });
  });

  it('fails when the folder does not exist', async () => {
    const result = await probeExec('true', { cwd: join(tempDir(), 'missing'), env, timeoutMs: 10_000 });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/ENOENT/);
  });

  it('kills the whole process group on timeout, leaving no process', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    // A background child and a foreground one: both must go, not only the shell.
    const command = `echo $$ > ${pidFile}; sleep 60 & sleep 60`;
    const started = Date.now();
    expect(await probeExec(command, { cwd: dir, env, timeoutMs: 500 })).toEqual({ ok: false, error: 'timed out after 500 ms' });
    expect(Date.now() - started).toBeLessThan(30_000);
    await expectGroupGone(pidFile);
  });

  it('kills what a successful command left running in the background', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    expect(await probeExec(`echo $$ > ${pidFile}; sleep 60 >/dev/null 2>&1 & exit 0`, { cwd: dir, env, timeoutMs: 10_000 })).toEqual({
      ok: true,
    });
    await expectGroupGone(pidFile);
  });

  it('kills the command when its signal aborts', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const abort = new AbortController();
    const probe = probeExec(`echo $$ > ${pidFile}; sleep 60`, { cwd: dir, env, timeoutMs: 60_000, signal: abort.signal });
    await waitFor(() => readFileSync(pidFile, 'utf8').trim(), { what: 'the shell to start' });
    abort.abort();
    expect(await probe).toEqual({ ok: false, error: 'probe cancelled' });
    await expectGroupGone(pidFile);
  });
});

describe('startHealthMonitor (exec)', () => {
  it.each([
    { intervalMs: 1000, expected: 10_000 },
    { intervalMs: 2000, expected: 10_000 },
    { intervalMs: 3000, expected: 15_000 },
  ])('checks every $expected ms once healthy, for an interval of $intervalMs ms', ({ intervalMs, expected }) => {
    expect(execHealthyIntervalMs(intervalMs)).toBe(expected);
  });

  it('runs fast while checking, then at the slower pace once healthy', async () => {
    const dir = tempDir();
    const flag = join(dir, 'ready');
    const clock = new FakeClock();
    const check = { type: 'exec', command: 'test -f ready', intervalMs: 3000, timeoutMs: 10_000, delayMs: 100 } as const;
    const monitor = startHealthMonitor(check, { ...noLines, cwd: dir, env, port: () => undefined }, () => {}, clock);
    try {
      await clock.advance(100);
      // The probe is a real process: wait until it settled and the loop scheduled the next one.
      await waitFor(() => clock.pending().length === 1, { what: 'the first probe to settle' });
      expect(monitor.current()).toMatchObject({ status: 'checking', consecutiveFailures: 1 });
      // While checking, the next probe comes fast (see nextDelay).
      expect(clock.pending()).toEqual([10]);
      writeFileSync(flag, '');
      await clock.advance(10);
      await waitFor(() => clock.pending().length === 1, { what: 'the second probe to settle' });
      expect(monitor.current().status).toBe('healthy');
      // The slow pace, on its multiples (see nextDelay): the next probe is at 15 s.
      expect(clock.now() + (clock.pending()[0] ?? 0)).toBe(15_000);
      await clock.advance(clock.pending()[0] ?? 0);
      await waitFor(() => clock.pending().length === 1, { what: 'the third probe to settle' });
      expect(clock.pending()).toEqual([15_000]);
    } finally {
      monitor.stop();
    }
    expect(clock.pending()).toEqual([]);
  });
});
