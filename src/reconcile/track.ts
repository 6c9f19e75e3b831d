// Following units' states through the daemon's event stream, and waiting for them to settle. A stream that breaks
// (the daemon died, or closed it) ends every wait at once with `lost`, instead of letting it run out its timeout.
import { SETTLED_STATUSES } from '../contract/status.js';
import type { UnitEvent, UnitState } from '../contract/unit.js';
import type { EventStreamItem } from '../contract/wire.js';

/** Something that streams a sandbox's events (the SDK client). */
export interface EventSource {
  events(signal: AbortSignal): AsyncIterable<EventStreamItem>;
}

/** How a wait ended: the condition held, the time ran out, the caller aborted, or the daemon's stream was lost. */
export type WaitResult = 'met' | 'timed_out' | 'aborted' | 'lost';

/** The latest state of every unit, kept current from the daemon's event stream. */
export class UnitTracker {
  private readonly states = new Map<string, UnitState>();
  private readonly waiters = new Set<() => void>();
  /** Why the event stream ended before the tracker was done with it, once it has. */
  lostBecause: Error | undefined;

  /** Subscribes and returns once the daemon's snapshot arrived, so no later change can be missed. */
  static async subscribe(target: EventSource, signal: AbortSignal, onEvent?: (event: UnitEvent, state: UnitState) => void): Promise<UnitTracker> {
    const tracker = new UnitTracker();
    const iterator = target.events(signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (!first.done && first.value.type === 'snapshot') for (const unit of first.value.units) tracker.states.set(unit.name, unit);
    void tracker.follow(iterator, signal, onEvent);
    return tracker;
  }

  private async follow(iterator: AsyncIterator<EventStreamItem>, signal: AbortSignal, onEvent?: (event: UnitEvent, state: UnitState) => void): Promise<void> {
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (next.value.type !== 'event') continue;
        this.states.set(next.value.state.name, next.value.state);
        onEvent?.(next.value.event, next.value.state);
        this.wake();
      }
      if (!signal.aborted) this.lose(new Error('the daemon closed its event stream'));
    } catch (error) {
      // An abort ends the stream when the caller is done; anything else is the daemon going away.
      if (!signal.aborted) this.lose(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private lose(error: Error): void {
    this.lostBecause = error;
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
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
    this.wake();
  }

  /** Waits until every named unit has settled (ready, completed, failed or stopped). */
  settle(names: string[], timeoutMs: number | undefined, signal: AbortSignal): Promise<WaitResult> {
    return this.until(() => names.every((name) => SETTLED_STATUSES.has(this.states.get(name)?.status ?? 'pending')), timeoutMs, signal);
  }

  /** Waits until `condition` holds over the states (checked at every change). */
  until(condition: (tracker: UnitTracker) => boolean, timeoutMs: number | undefined, signal: AbortSignal): Promise<WaitResult> {
    return new Promise((resolve) => {
      const done = (result: WaitResult) => {
        this.waiters.delete(check);
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const check = () => {
        if (condition(this)) done('met');
        else if (this.lostBecause) done('lost');
      };
      const onAbort = () => done('aborted');
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done('timed_out'), timeoutMs);
      if (signal.aborted) return done('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(check);
      check();
    });
  }
}

/**
 * Waits until the named units have settled (ready, completed, failed or stopped). `tracker`: one the caller
 * subscribed earlier (before acting, so that the snapshot cost no round trip of its own); the caller then ends it.
 */
export async function waitSettled(
  source: EventSource,
  names: string[],
  options: { timeoutMs?: number; signal?: AbortSignal; onEvent?: (event: UnitEvent, state: UnitState) => void; offer?: UnitState[]; tracker?: UnitTracker } = {},
): Promise<{ result: WaitResult; lostBecause?: Error; states: Map<string, UnitState | undefined> }> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const tracker = options.tracker ?? (await UnitTracker.subscribe(source, controller.signal, options.onEvent));
    for (const state of options.offer ?? []) tracker.offer(state);
    const result = await tracker.settle(names, options.timeoutMs, controller.signal);
    const states = new Map(names.map((name) => [name, tracker.get(name)]));
    return { result, ...(tracker.lostBecause ? { lostBecause: tracker.lostBecause } : {}), states };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
