// The text of a plan, as terraform prints one: a line per change, then a summary.
import type { Plan, UnitAction, OverlayAction } from '../../plan/diff.js';
import { describeCause } from './reason.js';
import type { Styler } from './style.js';

const SYMBOLS: Record<UnitAction | OverlayAction, string> = {
  create: '+',
  replace: '~',
  update: '~',
  resync: '~',
  sync: '~',
  restart: '~',
  start: '>',
  remove: '-',
  unchanged: ' ',
};

const COLOURS = { '+': 'green', '~': 'yellow', '>': 'cyan', '-': 'red', ' ': 'dim' } as const;

/** The plan's changes, one line each (`+ web  create`, `~ api  replace (start, environment.DEBUG)`), and a summary. */
export function renderPlan(plan: Plan, style: Styler): string {
  const units = plan.units.filter((unit) => unit.action !== 'unchanged');
  const overlays = plan.overlays.filter((overlay) => overlay.action !== 'unchanged');
  const width = Math.max(0, ...units.map((unit) => unit.name.length), ...overlays.map((overlay) => overlay.id.length + 8));
  const lines: string[] = [];
  for (const overlay of overlays) {
    lines.push(line(style, overlay.action, `overlay ${overlay.id}`, width, overlay.cause ? [describeCause(overlay.cause)] : []));
  }
  for (const unit of units) {
    const details = unit.changed?.length ? unit.changed : unit.cause ? [describeCause(unit.cause)] : [];
    lines.push(line(style, unit.action, unit.name, width, details));
  }
  lines.push(summary(plan));
  return `${lines.join('\n')}\n`;
}

function line(style: Styler, action: UnitAction | OverlayAction, name: string, width: number, details: string[]): string {
  const symbol = SYMBOLS[action];
  const text = `${symbol} ${name.padEnd(width)}  ${action}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
  return style(COLOURS[symbol as keyof typeof COLOURS], text);
}

/** `No changes: 3 units up to date.` or `Plan: 1 to create, 1 to replace, 2 unchanged.` */
export function summary(plan: Plan): string {
  const counts = new Map<string, number>();
  for (const unit of plan.units) counts.set(unit.action, (counts.get(unit.action) ?? 0) + 1);
  const changed = plan.units.length - (counts.get('unchanged') ?? 0);
  const overlaysChanged = plan.overlays.filter((overlay) => overlay.action !== 'unchanged').length;
  if (changed === 0 && overlaysChanged === 0) {
    return `No changes: ${plan.units.length} unit${plan.units.length === 1 ? '' : 's'} up to date.`;
  }
  const words: Record<string, string> = {
    create: 'to create',
    replace: 'to replace',
    update: 'to update in place',
    restart: 'to restart',
    start: 'to start',
    remove: 'to remove',
    unchanged: 'unchanged',
  };
  const parts = Object.keys(words).flatMap((action) => (counts.get(action) ? [`${counts.get(action)} ${words[action]}`] : []));
  if (overlaysChanged > 0) parts.push(`${overlaysChanged} overlay${overlaysChanged === 1 ? '' : 's'} to sync`);
  return `Plan: ${parts.join(', ')}.`;
}
