// The command runner on real processes: output bounds, the background limit, and closing.
import { realpathSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../../src/daemon/commands/index.js';
import { MAX_OUTPUT_BYTES } from '../../../src/daemon/commands/capture.js';
import { processGroupMembers } from '../../helpers/procs.js';
import { tempDir } from '../../helpers/tmp.js';

const runners: CommandRunner[] = [];

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.close();
});

function runner(options: Partial<ConstructorParameters<typeof CommandRunner>[0]> = {}): CommandRunner {
  const root = tempDir('compute-commands-');
  const made = new CommandRunner({ root, sandboxId: realpathSync(root), ...options });
  runners.push(made);
  return made;
}

describe('CommandRunner', () => {
  it('keeps 10 MB of a stream and drains the rest, so the command still runs to its end', async () => {
    const result = await runner().run({ command: `head -c ${3 * MAX_OUTPUT_BYTES} /dev/zero | tr '\\0' a; echo end >&2` });
    expect(result).toMatchObject({ status: 'completed', exit_code: 0, stderr: 'end\n', stdout_truncated: true });
    expect(result.stdout.length).toBe(MAX_OUTPUT_BYTES);
    expect(result.stderr_truncated).toBeUndefined();
  });

  it('applies a smaller bound to both streams', async () => {
    const result = await runner({ maxOutputBytes: 100 }).run({ command: 'seq 1 1000; seq 1 1000 >&2' });
    const lines = Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join('');
    expect(result.stdout).toBe(lines.slice(0, 100));
    expect(result.stderr.length).toBe(100);
    expect(result).toMatchObject({ stdout_truncated: true, stderr_truncated: true, exit_code: 0 });
  });

  it('refuses more background commands than its limit with 429, and kills them all on close', async () => {
    const made = runner({ maxBackground: 2 });
    const first = await made.start({ command: 'sleep 120' });
    const second = await made.start({ command: 'sleep 120' });
    await expect(made.start({ command: 'sleep 120' })).rejects.toMatchObject({ status: 429, message: '2 background commands are running already; wait for one to end' });
    await made.close();
    expect(processGroupMembers(first.pid as number)).toEqual([]);
    expect(processGroupMembers(second.pid as number)).toEqual([]);
    await expect(made.run({ command: 'true' })).rejects.toMatchObject({ status: 503 });
  });
});
