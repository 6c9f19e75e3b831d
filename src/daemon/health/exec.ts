// Exec health probe: a shell command that must exit 0 in time; on timeout its whole process group is killed.
import { spawn } from 'node:child_process';
import { abortMessage, probeDeadline } from './timeout.js';

/** How much of the command's output is kept for the failure message. */
const OUTPUT_TAIL = 400;

/** Kills a process group, if it is still there. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: every process of the group is gone already
  }
}

/**
 * Runs `/bin/sh -c command` in `cwd` with exactly `env`, in its own process group; ok when it exits 0 within
 * `timeoutMs`. Whatever the outcome, the group is killed when the shell ends, so that a probe that left a child
 * behind (`sleep 60 &`) or timed out leaves no process running. Resolves after the shell has been reaped.
 */
export function probeExec(
  command: string,
  opts: { cwd: string; env: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<{ ok: boolean; error?: string }> {
  const deadline = probeDeadline(opts.timeoutMs, opts.signal);
  return new Promise((resolve) => {
    // detached: the shell leads a new session and process group, so -pid reaches every process it started.
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onAbort = () => {
      if (child.pid !== undefined) killGroup(child.pid);
    };
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    if (deadline.signal.aborted) onAbort();

    const settle = (result: { ok: boolean; error?: string }) => {
      deadline.clear();
      deadline.signal.removeEventListener('abort', onAbort);
      // Why not wait for 'close': a grandchild holding the pipes open would keep the probe pending until it exits.
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(result);
    };
    child.once('error', (error) => settle({ ok: false, error: `exec: ${error.message}` }));
    child.once('exit', (code, signal) => {
      if (child.pid !== undefined) killGroup(child.pid);
      const tail = output.trim() ? `: ${output.trim()}` : '';
      if (deadline.signal.aborted) settle({ ok: false, error: `${abortMessage(deadline.signal)}${tail}` });
      else if (code === 0) settle({ ok: true });
      else settle({ ok: false, error: `exited with ${code ?? signal}${tail}` });
    });
  });
}
