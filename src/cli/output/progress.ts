// Progress of an apply: a live status table on a terminal, one line per state change otherwise.
import type { UnitEvent, UnitState } from '../../contract/unit.js';
import type { Plan } from '../../plan/diff.js';
import type { CliIO } from '../io.js';
import { describeReason } from './reason.js';
import { statusColour, type Styler } from './style.js';
import { renderTable } from './table.js';

/** Receives an apply's plan and events, and shows them. */
export interface ProgressPrinter {
  plan(plan: Plan): void;
  event(event: UnitEvent, state: UnitState): void;
  /** Draws the final state (live mode) and stops drawing. */
  end(): void;
}

/** A progress printer for this output: `live` redraws a table in place (a TTY), else it prints lines. */
export function progressPrinter(io: CliIO, style: Styler, live: boolean): ProgressPrinter {
  return live ? new LiveTable(io, style) : new Lines(io, style);
}

/** What to say about a unit beside its status: why it is so, or its URL once ready. */
export function detailOf(state: Pick<UnitState, 'status' | 'reason' | 'url'>): string {
  if (state.reason) return describeReason(state.reason);
  if ((state.status === 'ready' || state.status === 'running') && state.url) return state.url;
  return '';
}

class Lines implements ProgressPrinter {
  private width = 0;

  constructor(
    private readonly io: CliIO,
    private readonly style: Styler,
  ) {}

  plan(plan: Plan): void {
    this.width = Math.max(this.width, ...plan.units.map((unit) => unit.name.length));
  }

  event(event: UnitEvent, state: UnitState): void {
    const detail = detailOf(state);
    const status = this.style(statusColour(event.to), event.to.padEnd(10));
    this.io.stdout(`${event.unit.padEnd(this.width)}  ${status}${detail ? ` ${detail}` : ''}`.trimEnd() + '\n');
  }

  end(): void {}
}

// Redraws at most every 50 ms: a burst of events (100 units starting) costs a few frames, not one per event.
class LiveTable implements ProgressPrinter {
  private readonly rows = new Map<string, { status: string; detail: string }>();
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: CliIO,
    private readonly style: Styler,
  ) {}

  plan(plan: Plan): void {
    for (const unit of plan.units) {
      this.rows.set(unit.name, { status: unit.action === 'unchanged' ? 'unchanged' : unit.action === 'remove' ? 'removing' : 'waiting', detail: '' });
    }
    this.draw();
  }

  event(event: UnitEvent, state: UnitState): void {
    if (!this.rows.has(event.unit)) return;
    this.rows.set(event.unit, { status: event.to, detail: detailOf(state) });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 50);
  }

  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.draw();
  }

  private draw(): void {
    const rows = [...this.rows].map(([name, row]) => [name, this.style(statusColour(row.status), row.status), row.detail]);
    const table = renderTable(['UNIT', 'STATUS', ''], rows);
    // Move up over the last frame and clear it, then draw the new one.
    const erase = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\x1b[J` : '';
    this.io.stdout(erase + table);
    this.drawnLines = table.split('\n').length - 1;
  }
}
