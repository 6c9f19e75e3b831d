// The one place a unit's reason, a plan's cause and an exit become words (the daemon and the reconciler keep them as data).
import type { ExitInfo, UnitReason } from '../../contract/reason.js';
import type { ChangeCause, OverlayCause, OverlayProblem } from '../../plan/diff.js';

/** An exit in words: `exited with code 1`, `killed by SIGKILL`, or `exited` when nothing is known of it. */
export function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return exit.code === null ? 'exited' : `exited with code ${exit.code}`;
}

/** A duration for people: `950 ms`, `12.5 s`, `3 min`. */
export function describeDelay(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Why a unit is in its status, in one line; `now` is for the time left until a restart. */
export function describeReason(reason: UnitReason, now: number = Date.now()): string {
  switch (reason.kind) {
    case 'created':
      return 'created';
    case 'waiting_for_overlay':
      return `waiting for overlay ${reason.overlay}`;
    case 'waiting':
      return `waiting for ${reason.on.join(', ')}`;
    case 'need_failed':
      return reason.how === 'missing' ? `dependency ${reason.need} does not exist` : reason.how === 'stopped' ? `dependency ${reason.need} is stopped` : `dependency ${reason.need} failed`;
    case 'overlay_failed':
      return reason.how === 'missing' ? `overlay ${reason.overlay} does not exist` : `overlay ${reason.overlay} failed${reason.error ? `: ${reason.error}` : ''}`;
    case 'install_failed':
      return `install ${describeExit(reason.exit)}${reason.output.length > 0 ? `: ${reason.output.join(' | ')}` : ''}`;
    case 'spawn_failed':
      return reason.error;
    case 'port_in_use':
      return `port ${reason.port} is already in use`;
    case 'exited':
      return `${reason.unhealthy ? 'unhealthy, ended: ' : ''}${describeExit(reason.exit)}`;
    case 'restarting':
      return `${reason.unhealthy ? 'unhealthy, ended: ' : ''}${describeExit(reason.exit)}; restarting in ${describeDelay(Math.max(0, Date.parse(reason.next_attempt_at) - now))}`;
    case 'restart_requested':
      return reason.by === 'liveness' ? 'restarted: its health check kept failing' : 'restart requested';
    case 'health_failing':
      return `health check failing${reason.error ? `: ${reason.error}` : ''}`;
    case 'stopped':
      return stoppedBy(reason.by) + (reason.killed ? ' (killed after stop_timeout_ms)' : '');
    case 'process_lost':
      return 'its process ended while the daemon was down';
    case 'internal_error':
      return `internal error: ${reason.error}`;
  }
}

function stoppedBy(by: Extract<UnitReason, { kind: 'stopped' }>['by']): string {
  switch (by) {
    case 'request':
      return 'stopped';
    case 'daemon':
      return 'daemon stopped';
    case 'replace':
      return 'replaced';
    case 'restart':
      return 'restart requested';
  }
}

/** Why a unit changes in a plan, in words: `status failed`, `needs db (restart: true)`. */
export function describeCause(cause: ChangeCause | OverlayCause): string {
  switch (cause.kind) {
    case 'not_running':
      return `status ${cause.status}`;
    case 'need_replaced':
      return `needs ${cause.need} (restart: true)`;
    case 'changed':
      return 'changed';
    case 'copy_failed':
      return 'last copy failed';
    case 'source_changed':
      return `${cause.changed} changed, ${cause.deleted} deleted`;
    case 'overlay_synced':
      return cause.action === 'install' ? `overlay ${cause.overlay} changed: install again` : `overlay ${cause.overlay} changed`;
    case 'needed_by':
      return `needed by ${cause.by.join(', ')}, ${cause.profiles.length === 1 ? 'profile' : 'profiles'} ${cause.profiles.join(', ')} not active`;
  }
}

/** A problem with an overlay's source, in words, for one warning line. */
export function describeOverlayProblem(overlay: string, problem: OverlayProblem): string {
  if (problem.kind === 'source_missing') return `overlay ${overlay}: its source ${problem.source} is gone; nothing is synced and the units keep running until it is back`;
  const shown = problem.paths.slice(0, 10).join(', ');
  const more = problem.paths.length > 10 ? ` and ${problem.paths.length - 10} more` : '';
  return `overlay ${overlay}: could not read ${shown}${more}; the rest was synced`;
}
