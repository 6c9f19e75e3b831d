// A real supervisor over temp folders, with its events recorded, shut down after each test.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { LogStore } from '../../../src/daemon/logs/index.js';
import { createSupervisor, type SupervisorOptions } from '../../../src/daemon/units/index.js';
import type { Supervisor } from '../../../src/daemon/supervisor-api.js';
import type { UnitEvent, UnitSpec, UnitState, UnitStatus } from '../../../src/contract/unit.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { unitSpec } from '../../helpers/unit-spec.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A supervisor, its folders and every event it emitted. */
export interface Harness {
  supervisor: Supervisor;
  root: string;
  stateDir: string;
  events: UnitEvent[];
  /** The unit's state right after each event, in the same order. */
  states: UnitState[];
  logs: LogStore;
}

/** Creates a supervisor over fresh temp folders; it is shut down (every unit stopped) after the test. */
export async function harness(options: Pick<SupervisorOptions, 'cgroups' | 'logger'> = {}): Promise<Harness> {
  const base = tempDir('compute-units-');
  const root = join(base, 'root');
  const stateDir = join(base, 'state');
  mkdirSync(root, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const logs = new LogStore({ dir: join(stateDir, 'logs') });
  const supervisor = await createSupervisor({ root, stateDir, logs, ...options });
  const events: UnitEvent[] = [];
  const states: UnitState[] = [];
  supervisor.subscribe((event, state) => {
    events.push(event);
    states.push(state);
  });
  cleanups.push(async () => {
    await supervisor.shutdown();
    await logs.close();
  });
  return { supervisor, root, stateDir, events, states, logs };
}

/** A unit spec with test-friendly defaults (short restart delay and stop timeout). */
export function unit(name: string, fields: Partial<UnitSpec> & Pick<UnitSpec, 'command'>): UnitSpec {
  const spec = unitSpec(name, { cwd: '/', restartDelayMs: 50, stopTimeoutMs: 2000, ...fields });
  spec.hash = fields.hash ?? JSON.stringify([spec.command, spec.install, spec.cwd, spec.port, spec.env, spec.user]);
  return spec;
}

/** Waits until the unit has the status (or one of them) and returns its state. */
export function waitForStatus(supervisor: Supervisor, name: string, status: UnitStatus | UnitStatus[], timeoutMs = 20_000): Promise<UnitState> {
  const wanted = Array.isArray(status) ? status : [status];
  return waitFor(
    () => {
      const state = supervisor.get(name);
      return state && wanted.includes(state.status) ? state : undefined;
    },
    { timeoutMs, what: `${name} to be ${wanted.join(' or ')}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it is ${JSON.stringify(supervisor.get(name)?.status)} (${JSON.stringify(supervisor.get(name)?.reason ?? 'no reason')})`);
  });
}

/** The statuses a unit went through, in order. */
export function statusesOf(events: UnitEvent[], name: string): UnitStatus[] {
  return events.filter((event) => event.unit === name).map((event) => event.to);
}

/** A log health check that passes once the unit prints a line matching `pattern`. */
export function logCheck(pattern: string) {
  return { type: 'log' as const, pattern, intervalMs: 50, timeoutMs: 1000, delayMs: 0 };
}

/** A node one-liner that stays up forever. */
export const FOREVER = `node -e "setInterval(() => {}, 1000)"`;
