// What the daemon lives with right now (a state file it cannot write), for GET /health and `compute ps` to show.
import type { Logger } from 'pino';
import type { DaemonProblem } from '../contract/wire.js';

/**
 * The daemon's current problems, one slot per source (the units' state file, the overlays' one). Each change is
 * logged once: a warning when a problem begins (or changes code), an info line when it is over.
 */
export class ProblemBoard {
  private readonly slots = new Map<string, DaemonProblem>();

  constructor(private readonly logger?: Pick<Logger, 'warn' | 'info'>) {}

  /** The callback a source reports through: a problem, or undefined once it is solved. */
  reporter(source: string): (problem: DaemonProblem | undefined) => void {
    return (problem) => {
      if (problem) {
        this.slots.set(source, problem);
        this.logger?.warn({ source, path: problem.path, code: problem.code, err: problem.message }, 'state writes fail; the daemon keeps supervising and retries (up to every 5 s)');
      } else if (this.slots.delete(source)) {
        this.logger?.info({ source }, 'state writes succeed again; the state file has caught up');
      }
    };
  }

  /** The current problems, oldest first. */
  list(): DaemonProblem[] {
    return [...this.slots.values()].sort((a, b) => a.since.localeCompare(b.since)).map((problem) => ({ ...problem }));
  }
}
