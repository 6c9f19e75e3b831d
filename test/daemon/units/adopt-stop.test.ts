// A unit adopted from an earlier daemon and stopped at once: the stop ends the adopted process (a stop that came
// before the adopted lifecycle had recorded the process waited for it forever, and `compute down` hung).
import { LogStore } from '../../../src/daemon/logs/index.js';
import { createSupervisor } from '../../../src/daemon/units/index.js';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isAlive } from '../../helpers/procs.js';
import { waitFor } from '../../helpers/wait.js';
import { harness, unit, waitForStatus } from './harness.js';
import { readFileSync } from 'node:fs';

const recordedPid = (stateDir: string) =>
  (JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { units: Array<{ state: { pid?: number } }> }).units[0]?.state.pid;

describe('a unit adopted by a new supervisor', () => {
  it('is ended by a stop that arrives right after the adoption', async () => {
    const first = await harness();
    await first.supervisor.upsert([unit('web', { command: 'exec sleep 60', restartPolicy: 'never' })], new Set());
    await first.supervisor.start(['web']);
    const { pid } = await waitForStatus(first.supervisor, 'web', 'ready');
    await waitFor(() => recordedPid(first.stateDir) === pid, { what: 'the state file to record the pid' });

    // A second supervisor over the same folders, as a daemon started after a crash: it adopts the running process.
    const logs = new LogStore({ dir: join(first.stateDir, 'logs-second') });
    const second = await createSupervisor({ root: first.root, stateDir: first.stateDir, logs });
    onTestFinished(async () => {
      await second.shutdown();
      await logs.close();
    });
    expect(second.get('web')?.pid).toBe(pid);
    await second.stop(['web']);
    expect(isAlive(pid as number)).toBe(false);
    expect(second.get('web')?.status).toBe('stopped');
  });
});
