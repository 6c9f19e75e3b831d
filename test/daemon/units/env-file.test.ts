// A unit's env_file is read inside the sandbox: relative to the working folder, never through a symlink that leaves
// the root, and never a named pipe (reading one waited for a writer forever, so the unit never started: issue 13).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';
import { harness, unit, waitForStatus } from './harness.js';

describe('a unit env_file', () => {
  it('is read relative to the working folder, as that folder really is', async () => {
    const { supervisor, root } = await harness();
    mkdirSync(join(root, 'real/app'), { recursive: true });
    writeFileSync(join(root, 'real/shared.env'), 'GREETING=hello\n');
    symlinkSync('real/app', join(root, 'app'));
    await supervisor.upsert([unit('job', { cwd: '/app', envFile: '../shared.env', command: 'echo "$GREETING" > out' })], new Set());
    await supervisor.start(['job']);
    await waitForStatus(supervisor, 'job', 'completed');
    expect(readFileSync(join(root, 'real/app/out'), 'utf8')).toBe('hello\n');
  });

  it('fails the start at once when it is a named pipe', async () => {
    const { supervisor, root } = await harness();
    execFileSync('mkfifo', [join(root, 'pipe.env')]);
    await supervisor.upsert([unit('job', { envFile: '/pipe.env', command: 'true' })], new Set());
    await supervisor.start(['job']);
    const state = await waitForStatus(supervisor, 'job', 'failed', 5_000);
    expect(state.reason).toEqual({ kind: 'spawn_failed', error: 'env_file /pipe.env: "/pipe.env" is a named pipe, not a regular file' });
  });

  it('is never read through a symlink that leaves the sandbox', async () => {
    const { supervisor, root } = await harness();
    const outside = tempDir('compute-env-outside-');
    writeFileSync(join(outside, 'secret.env'), 'SECRET=host\n');
    symlinkSync(join(outside, 'secret.env'), join(root, 'app.env'));
    await supervisor.upsert([unit('job', { envFile: 'app.env', command: 'echo "[$SECRET]" > out' })], new Set());
    await supervisor.start(['job']);
    const state = await waitForStatus(supervisor, 'job', 'failed');
    expect(state.reason).toEqual({ kind: 'spawn_failed', error: 'env_file app.env: path "/app.env" leaves the sandbox root through a symlink' });
  });
});
