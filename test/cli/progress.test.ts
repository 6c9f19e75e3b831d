import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { progressPrinter } from '../../src/cli/output/progress.js';
import { stylerFor } from '../../src/cli/output/style.js';
import type { UnitState, UnitStatus } from '../../src/contract/unit.js';
import type { Plan } from '../../src/plan/diff.js';
import { waitFor } from '../helpers/wait.js';

function capture(isTTY: boolean): CliIO & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: (text) => void out.push(text), stderr: () => {}, isTTY, env: {}, cwd: '/' };
}

const plan: Plan = {
  project: 'p',
  conflicts: [],
  overlays: [],
  operations: [],
  units: [
    { name: 'db', kind: 'service', action: 'create' },
    { name: 'api', kind: 'server', action: 'unchanged' },
  ],
};

function state(name: string, status: UnitStatus, fields: Partial<UnitState> = {}): UnitState {
  return { name, status, kind: 'server', exitCode: null, restartCount: 0, consecutiveFailures: 0, createdAt: '', updatedAt: '', ...fields } as UnitState;
}

describe('progress', () => {
  it('prints one line per state change when not on a terminal', () => {
    const io = capture(false);
    const progress = progressPrinter(io, stylerFor(io), false);
    progress.plan(plan);
    progress.event({ ts: '', unit: 'db', from: 'stopped', to: 'pending', reason: { kind: 'waiting_for_overlay', overlay: 'app' } }, state('db', 'pending', { reason: { kind: 'waiting_for_overlay', overlay: 'app' } }));
    progress.event({ ts: '', unit: 'db', from: 'running', to: 'ready' }, state('db', 'ready', { url: 'http://localhost:3000' }));
    progress.end();
    expect(io.out.join('')).toBe('db   pending    waiting for overlay app\ndb   ready      http://localhost:3000\n');
  });

  it('redraws a table in place on a terminal, ending with the final state', async () => {
    const io = capture(true);
    const progress = progressPrinter(io, stylerFor({ isTTY: true, env: { NO_COLOR: '1' } }), true);
    progress.plan(plan);
    expect(io.out[0]).toBe('UNIT  STATUS\ndb    waiting\napi   unchanged\n');
    progress.event({ ts: '', unit: 'db', from: 'stopped', to: 'starting' }, state('db', 'starting'));
    progress.event({ ts: '', unit: 'db', from: 'running', to: 'ready' }, state('db', 'ready', { url: 'http://localhost:3000' }));
    // Events within 50 ms are drawn as one frame.
    await waitFor(() => io.out.length === 2, { what: 'a redraw' });
    progress.end();
    const last = io.out.at(-1) ?? '';
    // Cursor up over the 3 lines of the last frame, clear, then the new frame.
    expect(last).toBe('\x1b[3A\x1b[JUNIT  STATUS\ndb    ready      http://localhost:3000\napi   unchanged\n');
  });
});
