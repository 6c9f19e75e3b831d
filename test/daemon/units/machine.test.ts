import { describe, expect, it } from 'vitest';
import { UNIT_STATUSES, type UnitStatus } from '../../../src/contract/unit.js';
import { canTransition, IllegalTransitionError, transition } from '../../../src/daemon/units/machine.js';

// Every legal move, written out independently of the table in machine.ts, so a change to either is noticed.
const LEGAL: Array<[UnitStatus, UnitStatus]> = [
  ['pending', 'pending'],
  ['pending', 'installing'],
  ['pending', 'starting'],
  ['pending', 'failed'],
  ['pending', 'stopped'],
  ['installing', 'starting'],
  ['installing', 'failed'],
  ['installing', 'stopped'],
  ['starting', 'running'],
  ['starting', 'restarting'],
  ['starting', 'failed'],
  ['starting', 'completed'],
  ['starting', 'stopped'],
  ['running', 'ready'],
  ['running', 'restarting'],
  ['running', 'failed'],
  ['running', 'completed'],
  ['running', 'stopped'],
  ['ready', 'running'],
  ['ready', 'restarting'],
  ['ready', 'failed'],
  ['ready', 'completed'],
  ['ready', 'stopped'],
  ['restarting', 'starting'],
  ['restarting', 'failed'],
  ['restarting', 'stopped'],
  ['stopped', 'pending'],
  ['stopped', 'starting'],
  ['failed', 'pending'],
  ['failed', 'starting'],
  ['completed', 'pending'],
  ['completed', 'starting'],
];
const legal = new Set(LEGAL.map(([from, to]) => `${from}→${to}`));
const allPairs = UNIT_STATUSES.flatMap((from) => UNIT_STATUSES.map((to) => [from, to] as [UnitStatus, UnitStatus]));

describe('unit state machine', () => {
  it.each(allPairs)('%s → %s', (from, to) => {
    const expected = legal.has(`${from}→${to}`);
    expect(canTransition(from, to)).toBe(expected);
    if (expected) expect(transition('web', from, to)).toBe(to);
    else expect(() => transition('web', from, to)).toThrow(IllegalTransitionError);
  });

  it('names the unit and both ends of an illegal move', () => {
    expect(() => transition('api', 'stopped', 'ready')).toThrow('unit api: illegal transition stopped → ready');
  });

  it('never lets a unit become ready without running first', () => {
    for (const from of UNIT_STATUSES) if (from !== 'running') expect(canTransition(from, 'ready')).toBe(false);
  });
});
