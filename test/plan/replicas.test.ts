// The plan for replicated units: `compute scale` (diff with `only`) creates or removes only the difference and gives
// the units that need them their new needs in place; a full `up` brings the count back to the file's.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { Spec } from '../../src/contract/spec.js';
import type { UnitState } from '../../src/contract/unit.js';
import { diff } from '../../src/plan/diff.js';
import { writeFiles } from '../config/helpers.js';
import { tempDir } from '../helpers/tmp.js';

const FILE = `name: shop
servers:
  web:
    start: node server.js
    port: 3000
    replicas: 2
  api:
    start: node api.js
    needs: [web]
  db:
    start: node db.js
`;

async function specWith(scale?: Record<string, number>): Promise<Spec> {
  const dir = writeFiles(tempDir(), { 'compute.yaml': FILE });
  const { spec, errors } = await loadConfig({ files: [], cwd: dir, env: {}, ...(scale ? { scale } : {}) });
  expect(errors).toEqual([]);
  return spec as Spec;
}

// What a sandbox runs once `spec` was applied.
function runningOf(spec: Spec): UnitState[] {
  const ts = '2026-12-04T00:00:00.000Z';
  return Object.values(spec.units).map((unit) => ({ name: unit.name, kind: unit.kind, spec: unit, status: 'ready', exitCode: null, restartCount: 0, consecutiveFailures: 0, createdAt: ts, updatedAt: ts }));
}

function actions(desired: Spec, actual: UnitState[], only?: string[]): Record<string, string> {
  const plan = diff(desired, { units: actual, overlays: [] }, only ? { only } : {});
  return Object.fromEntries(plan.units.map((unit) => [unit.name, unit.action === 'update' ? `update ${unit.changed?.join(',')}` : unit.action]));
}

describe('diff with replicas', () => {
  it('scaling up creates only the new replica; the unit that needs web takes its needs in place', async () => {
    expect(actions(await specWith({ web: 3 }), runningOf(await specWith()), ['web'])).toEqual({ 'web-1': 'unchanged', 'web-2': 'unchanged', 'web-3': 'create', api: 'update needs' });
  });

  it('scaling down removes only the replicas past the count, and leaves other units alone', async () => {
    expect(actions(await specWith({ web: 1 }), runningOf(await specWith({ web: 3 })), ['web'])).toEqual({ 'web-1': 'unchanged', 'web-2': 'remove', 'web-3': 'remove', api: 'update needs' });
  });

  it('scaling a unit that ran once under its own name replaces it with its replicas', async () => {
    expect(actions(await specWith({ db: 2 }), runningOf(await specWith()), ['db'])).toEqual({ 'db-1': 'create', 'db-2': 'create', db: 'remove' });
    expect(actions(await specWith({ db: 2 }), runningOf(await specWith({ db: 2 })), ['db'])).toEqual({ 'db-1': 'unchanged', 'db-2': 'unchanged' });
  });

  it('a full up brings a scaled unit back to the file’s count', async () => {
    expect(actions(await specWith(), runningOf(await specWith({ web: 3 })))).toEqual({ 'web-1': 'unchanged', 'web-2': 'unchanged', 'web-3': 'remove', api: 'update needs', db: 'unchanged' });
  });

  it('up NAME names a replicated unit by its name in the file', async () => {
    expect(actions(await specWith(), [], ['api'])).toEqual({ 'web-1': 'create', 'web-2': 'create', api: 'create' });
  });
});
