// Whether a need is met: a pure verdict over the need's status, and a wait on the supervisor's events.
import type { NeedCondition, UnitStatus } from '../../contract/unit.js';

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
