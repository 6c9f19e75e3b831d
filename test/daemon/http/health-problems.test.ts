// GET /health names what the daemon lives with (a state file it cannot write), and only while it lasts; no token needed.
import { describe, expect, it } from 'vitest';
import type { DaemonProblem } from '../../../src/contract/wire.js';
import { FakeSupervisor } from './fake-supervisor.js';
import { startTestDaemon } from './harness.js';

describe('GET /health problems', () => {
  it('lists a reported state-write problem until it is solved, and omits the field on a healthy daemon', async () => {
    let report!: (problem: DaemonProblem | undefined) => void;
    const { http } = await startTestDaemon({
      createSupervisor: async ({ root, problems }) => {
        report = problems.reporter('units');
        return { supervisor: new FakeSupervisor(root) };
      },
    });
    expect((await http.call('GET', '/health')).json).not.toHaveProperty('problems');

    const problem: DaemonProblem = { kind: 'state-write', path: '/s/state.json', code: 'ENOSPC', message: 'no space left on device', since: '2025-01-01T00:00:00.000Z', attempts: 1 };
    report(problem);
    // The source updates its problem in place; the reply shows the attempts as they are now.
    problem.attempts = 7;
    expect((await http.call('GET', '/health')).json).toMatchObject({ status: 'ok', problems: [{ ...problem, attempts: 7 }] });

    report(undefined);
    expect((await http.call('GET', '/health')).json).not.toHaveProperty('problems');
  });
});
