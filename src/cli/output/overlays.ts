// What an apply did to overlays, in words: one line per sync, and warnings for sources that are gone or unreadable.
import type { ApplyResult } from '../../reconcile/apply.js';
import { describeOverlayProblem } from './reason.js';

/** `overlay app synced (3 changed, 1 deleted)`, one line per overlay the apply synced. */
export function syncLines(result: ApplyResult): string[] {
  return Object.entries(result.synced).map(([id, sync]) => `overlay ${id} synced (${sync.changed} changed, ${sync.deleted} deleted)`);
}

/** The overlay warnings of an apply: the plan's problems, and files the daemon could not read while syncing. */
export function overlayWarnings(result: ApplyResult): string[] {
  const warnings: string[] = [];
  for (const overlay of result.plan.overlays) {
    const unreadable = [...(overlay.problem?.kind === 'unreadable' ? overlay.problem.paths : []), ...(result.synced[overlay.id]?.unreadable ?? [])];
    if (overlay.problem?.kind === 'source_missing') warnings.push(describeOverlayProblem(overlay.id, overlay.problem));
    else if (unreadable.length > 0) warnings.push(describeOverlayProblem(overlay.id, { kind: 'unreadable', paths: [...new Set(unreadable)].sort() }));
  }
  return warnings;
}

/** Keeps a warning from being printed again while it stays true (a gone source is said once, not on every save). */
export class WarnOnce {
  private shown = new Set<string>();

  /** The warnings not shown last time; what is no longer warned about may be shown again later. */
  fresh(warnings: readonly string[]): string[] {
    const next = new Set(warnings);
    const fresh = warnings.filter((warning) => !this.shown.has(warning));
    this.shown = next;
    return fresh;
  }
}
