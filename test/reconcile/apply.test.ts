// The plan is the operations (issue 12): `plan --json` prints the list, and apply makes exactly those calls to the
// daemon, in that order, nothing else. A real daemon; the client is wrapped only to record what it is asked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectProject } from '../../src/cli/project.js';
import type { Operation } from '../../src/plan/operations.js';
import { apply, type ApplyTarget } from '../../src/reconcile/apply.js';
import type { SandboxClient } from '../../src/sdk/index.js';
import { loadTestProject, runCli, writeProject } from '../cli/project-harness.js';

const FIRST = `servers:
  db: { start: exec sleep 600, min_uptime_ms: 0 }
  api: { start: exec sleep 601, min_uptime_ms: 0, needs: [db] }
  old: { start: exec sleep 602, min_uptime_ms: 0 }
`;
const SECOND = `servers:
  db: { start: exec sleep 600, min_uptime_ms: 0, restart_policy: always }
  api: { start: exec sleep 611, min_uptime_ms: 0, needs: [db] }
  new: { start: exec sleep 603, min_uptime_ms: 0 }
`;

type Call = [string, unknown];

// The calls apply makes, recorded on their way to the real client (the event stream and reads are not changes).
function recording(client: SandboxClient): { target: ApplyTarget; calls: Call[] } {
  const calls: Call[] = [];
  const target: ApplyTarget = {
    events: (signal) => client.events(signal),
    units: () => client.units(),
    applyUnits: (specs, replace) => (calls.push(['upsert', { units: specs.map((s) => s.name), replace }]), client.applyUnits(specs, replace)),
    startUnits: (names) => (calls.push(['start', names]), client.startUnits(names)),
    stopUnits: (names) => (calls.push(['stop', names]), client.stopUnits(names)),
    removeUnits: (names) => (calls.push(['remove', names]), client.removeUnits(names)),
    overlays: {
      list: () => client.overlays.list(),
      manifest: (id) => client.overlays.manifest(id),
      sync: (id, ops) => (calls.push(['overlay.sync', { id, ops: ops.length }]), client.overlays.sync(id, ops)),
      create: (spec) => (calls.push(['overlay.create', spec.id]), client.overlays.create(spec)),
      destroy: (id) => (calls.push(['overlay.remove', id]), client.overlays.destroy(id)),
    },
  };
  return { target, calls };
}

function asCalls(operations: Operation[]): Call[] {
  return operations.map((op): Call => {
    switch (op.call) {
      case 'upsert':
        return ['upsert', { units: op.units, replace: op.replace }];
      case 'overlay.create':
      case 'overlay.remove':
        return [op.call, op.overlay];
      case 'overlay.sync':
        return [op.call, { id: op.overlay, ops: op.ops.length }];
      default:
        return [op.call, op.units];
    }
  });
}

describe('apply executes the plan, exactly', () => {
  it('makes the calls plan --json lists, in order: create, then replace, update in place, add and remove', async () => {
    const dir = writeProject(FIRST);
    const { spec, paths } = await loadTestProject(dir);
    const client = await connectProject(paths, true);
    try {
      const first = recording(client);
      const created = await apply(first.target, spec, { timeoutMs: 30_000 });
      expect(created.outcome).toEqual({ kind: 'done' });
      expect(created.plan.operations).toEqual([
        { call: 'upsert', units: ['db', 'old', 'api'], replace: [] },
        { call: 'start', units: ['db', 'old', 'api'] },
      ]);
      expect(first.calls).toEqual(asCalls(created.plan.operations));

      writeFileSync(join(dir, 'compute.yaml'), SECOND);
      const shown = JSON.parse((await runCli(dir, ['plan', '--json'])).stdout) as { operations: Operation[] };
      const next = await loadTestProject(dir);
      const second = recording(client);
      const changed = await apply(second.target, next.spec, { timeoutMs: 30_000 });
      expect(changed.outcome).toEqual({ kind: 'done' });
      expect(changed.plan.operations).toEqual([
        { call: 'stop', units: ['api', 'old'] },
        { call: 'remove', units: ['old'] },
        { call: 'upsert', units: ['db', 'new', 'api'], replace: ['api'] },
        { call: 'start', units: ['new', 'api'] },
      ]);
      expect(shown.operations).toEqual(changed.plan.operations);
      expect(second.calls).toEqual(asCalls(changed.plan.operations));
    } finally {
      await client.close();
    }
  });
});
