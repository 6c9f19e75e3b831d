import { describe, expect, it } from 'vitest';
import type { Need, NeedCondition, UnitStatus } from '../../../src/contract/unit.js';
import { evaluateNeed, needGroups, type NeedVerdict } from '../../../src/daemon/units/needs.js';

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

describe('needGroups', () => {
  const each: Need = { condition: 'healthy', restart: false };
  const anyWeb: Need = { condition: 'started', restart: false, any: 'web' };
  const anyApi: Need = { condition: 'started', restart: false, any: 'api' };
  it.each<[string, [string, Need][], string[][]]>([
    ['every need its own group', [['db', each], ['cache', each]], [['db'], ['cache']]],
    ['replicas of one unit, any of them: one group', [['web-1', anyWeb], ['web-2', anyWeb], ['db', each]], [['web-1', 'web-2'], ['db']]],
    ['replicas of two units: two groups', [['web-1', anyWeb], ['api-1', anyApi], ['web-2', anyWeb], ['api-2', anyApi]], [['web-1', 'web-2'], ['api-1', 'api-2']]],
    ['no needs', [], []],
  ])('%s', (_, needs, groups) => {
    expect(needGroups(needs).map((group) => group.map(([name]) => name))).toEqual(groups);
  });
});
