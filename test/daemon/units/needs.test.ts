import { describe, expect, it } from 'vitest';
import type { NeedCondition, UnitStatus } from '../../../src/contract/unit.js';
import { evaluateNeed, type NeedVerdict } from '../../../src/daemon/units/needs.js';

describe('evaluateNeed', () => {
  it.each<[UnitStatus, NeedCondition, boolean, NeedVerdict]>([
    ['ready', 'healthy', true, 'met'],
    ['ready', 'started', true, 'met'],
    ['ready', 'completed', true, 'wait'],
    ['running', 'healthy', true, 'wait'],
    ['running', 'started', true, 'met'],
    ['running', 'completed', true, 'wait'],
    ['completed', 'completed', true, 'met'],
    ['completed', 'healthy', true, 'met'],
    ['completed', 'started', false, 'met'],
    ['pending', 'healthy', true, 'wait'],
    ['installing', 'started', true, 'wait'],
    ['starting', 'started', true, 'wait'],
    ['restarting', 'healthy', true, 'wait'],
    ['restarting', 'completed', true, 'wait'],
    ['failed', 'healthy', true, 'failed'],
    ['failed', 'completed', true, 'failed'],
    ['stopped', 'healthy', true, 'wait'],
    ['stopped', 'healthy', false, 'stopped'],
  ])('%s need, condition %s, wanted running %s → %s', (status, condition, wanted, verdict) => {
    expect(evaluateNeed(status, condition, wanted)).toBe(verdict);
  });
});
