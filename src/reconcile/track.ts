// Following units' states through the daemon's event stream, and waiting for them to settle.
import type { UnitEvent, UnitState, UnitStatus } from '../contract/unit.js';
import type { EventStreamItem } from '../sdk/index.js';

/** Something that streams a sandbox's events (the SDK client). */
export interface EventSource {
  events(signal: AbortSignal): AsyncIterable<EventStreamItem>;
}

/** Statuses a unit rests in until something changes it; anything else is still on its way. */
export const SETTLED: ReadonlySet<UnitStatus> = new Set(['ready', 'completed', 'failed', 'stopped']);

/** The latest state of every unit, kept current from the daemon's event stream. */
export class UnitTracker {
  private readonly states = new Map<string, UnitState>();
  private readonly waiters = new Set<() => void>();

  /** Subscribes and returns once the daemon's snapshot arrived, so no later change can be missed. */
  static async subscribe(target: EventSource, signal: AbortSignal, onEvent?: (event: UnitEvent, state: UnitState) => void): Promise<UnitTracker> {
    const tracker = new UnitTracker();
    const iterator = target.events(signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (!first.done && first.value.type === 'snapshot') for (const unit of first.value.units) tracker.states.set(unit.name, unit);
    void (async () => {
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          if (next.value.type !== 'event') continue;
          tracker.states.set(next.value.state.name, next.value.state);
          onEvent?.(next.value.event, next.value.state);
          for (const waiter of [...tracker.waiters]) waiter();
        }
      } catch {
        // The stream ends with an abort when the apply is over.
      }
    })();
    return tracker;
  }

  get(name: string): UnitState | undefined {
    return this.states.get(name);
  }

  /**
   * Takes a state from a reply, when it is newer than what the stream gave. Stream events are always taken (they
   * arrive in order); a reply can overtake the stream's events or lag behind them, hence the check.
   */
  offer(state: UnitState): void {
    const held = this.states.get(state.name);
    if (held && Date.parse(held.updatedAt) >= Date.parse(state.updatedAt)) return;
    this.states.set(state.name, state);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves true once every named unit has settled, false on timeout or abort. */
  settle(names: string[], timeoutMs: number | undefined, signal: AbortSignal): Promise<boolean> {
    return this.until(() => names.every((name) => SETTLED.has(this.states.get(name)?.status ?? 'pending')), timeoutMs, signal);
  }

  /** Resolves true once `condition` holds over the states (checked at every change), false on timeout or abort. */
  until(condition: (tracker: UnitTracker) => boolean, timeoutMs: number | undefined, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        this.waiters.delete(check);
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const check = () => {
        if (condition(this)) done(true);
      };
      const onAbort = () => done(false);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(false), timeoutMs);
      if (signal.aborted) return done(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(check);
      check();
    });
  }
}

/** Waits until the named units have settled (ready, completed, failed or stopped); false on timeout or abort. */
export async function waitSettled(
  source: EventSource,
  names: string[],
  options: { timeoutMs?: number; signal?: AbortSignal; onEvent?: (event: UnitEvent, state: UnitState) => void; offer?: UnitState[] } = {},
): Promise<{ settled: boolean; states: Map<string, UnitState | undefined> }> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const tracker = await UnitTracker.subscribe(source, controller.signal, options.onEvent);
    for (const state of options.offer ?? []) tracker.offer(state);
    const settled = await tracker.settle(names, options.timeoutMs, controller.signal);
    return { settled, states: new Map(names.map((name) => [name, tracker.get(name)])) };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
