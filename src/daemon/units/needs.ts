// Whether a need is met: a pure verdict over the need's status, and a wait on the supervisor's events.
import type { Need, NeedCondition, UnitStatus } from '../../contract/unit.js';

/** `met`: go on; `wait`: not yet; `failed`/`stopped`: it will not be met, the dependent fails. */
export type NeedVerdict = 'met' | 'wait' | 'failed' | 'stopped';

/**
 * Decides a need from its status. A need that is restarting keeps the dependent waiting (process-compose #189);
 * a stopped need fails the dependent only when nobody wants it running (else its start is about to begin).
 */
export function evaluateNeed(status: UnitStatus, condition: NeedCondition, wantedRunning: boolean): NeedVerdict {
  switch (status) {
    case 'failed':
      return 'failed';
    case 'stopped':
      return wantedRunning ? 'wait' : 'stopped';
    case 'completed':
      return 'met';
    case 'ready':
      return condition === 'completed' ? 'wait' : 'met';
    case 'running':
      return condition === 'started' ? 'met' : 'wait';
    default:
      return 'wait';
  }
}

/**
 * A unit's needs as groups that are each met when one member is: the replicas of one unit it waits for with
 * `condition: started` (the same `any`) form one group; every other need is a group of its own.
 */
export function needGroups(needs: readonly [string, Need][]): [string, Need][][] {
  const groups: [string, Need][][] = [];
  const byAny = new Map<string, [string, Need][]>();
  for (const entry of needs) {
    const any = entry[1].any;
    const group = any === undefined ? undefined : byAny.get(any);
    if (group) group.push(entry);
    else {
      const fresh = [entry];
      groups.push(fresh);
      if (any !== undefined) byAny.set(any, fresh);
    }
  }
  return groups;
}
