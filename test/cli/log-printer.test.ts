// followLogs and printLogs against an in-memory log source standing in for the daemon: what reaches stdout and
// stderr when units write, are removed, are added later, and when a stream fails and is re-opened.
import { describe, expect, it } from 'vitest';
import { followLogs, printLogs, type LogSource } from '../../src/cli/output/logs.js';
import type { LogLine } from '../../src/contract/wire.js';
import { SandboxApiError, type UnitLogOptions } from '../../src/sdk/index.js';
import { captureIO } from '../config/helpers.js';
import { waitFor } from '../helpers/wait.js';

interface Reader {
  push(line: LogLine): void;
  end(error?: Error): void;
}

/** Units' logs in memory, served as the daemon serves them: retained lines (the last `tail`), then new ones. */
class MemoryLogs implements LogSource {
  private readonly lines = new Map<string, LogLine[]>();
  private readonly readers = new Map<string, Set<Reader>>();
  /** Follow streams opened, and calls made (refused ones included). */
  opened = 0;
  attempts = 0;
  /** While set, every call fails as when the daemon cannot be reached. */
  down = false;

  write(name: string, text: string, ts: number, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const line = { ts, stream, text };
    if (!this.lines.has(name)) this.lines.set(name, []);
    this.lines.get(name)?.push(line);
    for (const reader of this.readers.get(name) ?? []) reader.push(line);
  }

  /** Removes a unit: its followers' streams end. */
  remove(name: string): void {
    this.lines.delete(name);
    for (const reader of this.readers.get(name) ?? []) reader.end();
  }

  /** Breaks every open stream of a unit, as a reset connection does. */
  fail(name: string): void {
    for (const reader of this.readers.get(name) ?? []) reader.end(new SandboxApiError(0, 'cannot reach the sandbox daemon at test: ECONNRESET', 'GET logs'));
  }

  open(name: string): number {
    return this.readers.get(name)?.size ?? 0;
  }

  async *unitLogs(name: string, options: UnitLogOptions = {}): AsyncGenerator<LogLine> {
    this.attempts++;
    if (this.down) throw new SandboxApiError(0, 'cannot reach the sandbox daemon at test: ECONNREFUSED', 'GET logs');
    const retained = this.lines.get(name);
    if (!retained) throw new SandboxApiError(404, `unit "${name}" not found`, 'GET logs');
    const pick = (line: LogLine) => !options.stream || options.stream === 'combined' || line.stream === options.stream;
    const past = retained.filter(pick);
    yield* options.tail === undefined ? past : past.slice(Math.max(0, past.length - options.tail));
    if (!options.follow) return;
    const queue: LogLine[] = [];
    let ended: { error?: Error } | undefined;
    let wake = () => {};
    const reader: Reader = {
      push: (line) => pick(line) && (queue.push(line), wake()),
      end: (error) => ((ended = error ? { error } : {}), wake()),
    };
    const onAbort = () => reader.end();
    options.signal?.addEventListener('abort', onAbort);
    if (!this.readers.has(name)) this.readers.set(name, new Set());
    this.readers.get(name)?.add(reader);
    this.opened++;
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift() as LogLine;
        if (ended?.error) throw ended.error;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.readers.get(name)?.delete(reader);
    }
  }
}

describe('followLogs', () => {
  it('prints past and new lines of each unit as they come, padded to the longest name; `since` drops older ones', async () => {
    const logs = new MemoryLogs();
    logs.write('db', 'old db line', 100);
    logs.write('worker', 'old worker line', 150);
    logs.write('worker', 'this run', 200);
    const io = captureIO('/');
    const controller = new AbortController();
    const follower = followLogs(logs, io, ['db', 'worker'], { since: 200, signal: controller.signal });
    await waitFor(() => logs.open('db') === 1 && logs.open('worker') === 1, { what: 'both streams open' });
    logs.write('db', 'new db line', 300);
    logs.write('worker', 'err', 301, 'stderr');
    await waitFor(() => io.out().split('\n').length === 4, { what: 'three lines' });
    controller.abort();
    await follower.done;
    expect(io.out()).toBe('worker | this run\ndb     | new db line\nworker | err\n');
    expect(logs.open('db') + logs.open('worker')).toBe(0);
  });

  it('re-opens a failed stream without printing a line twice (same-millisecond lines included), reporting each outage once', async () => {
    const logs = new MemoryLogs();
    logs.write('api', 'one', 10);
    logs.write('api', 'two', 20);
    logs.write('api', 'three', 20);
    const io = captureIO('/');
    const controller = new AbortController();
    const follower = followLogs(logs, io, ['api'], { signal: controller.signal, tail: 2 });
    await waitFor(() => io.out() === 'api | two\napi | three\n' && logs.open('api') === 1, { what: 'the tail' });

    // An outage during which re-opening fails several times: one message.
    logs.down = true;
    logs.fail('api');
    logs.write('api', 'four', 20);
    await waitFor(() => logs.attempts >= 4, { what: 'three failed re-openings', timeoutMs: 30_000 });
    logs.down = false;
    await waitFor(() => logs.opened === 2, { what: 'the stream re-opened' });
    logs.write('api', 'five', 30);
    await waitFor(() => io.out().endsWith('api | five\n'), { what: 'the line after the outage' });
    expect(io.err()).toMatch(/^compute: the log stream of api failed \(.*ECONNRESET\); reconnecting\n$/);

    // A second outage after the stream recovered is reported again.
    logs.fail('api');
    await waitFor(() => logs.opened === 3, { what: 'the second re-opening' });
    logs.write('api', 'six', 40);
    await waitFor(() => io.out().endsWith('api | six\n'), { what: 'the line after the second outage' });
    controller.abort();
    await follower.done;
    expect(io.out()).toBe('api | two\napi | three\napi | four\napi | five\napi | six\n');
    expect(io.err().split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('ends quietly when every unit is removed; a unit added later is followed too', async () => {
    const logs = new MemoryLogs();
    logs.write('a', 'a1', 1);
    const io = captureIO('/');
    const follower = followLogs(logs, io, ['a', 'x'], { signal: new AbortController().signal });
    await waitFor(() => logs.open('a') === 1, { what: 'a followed' });
    logs.write('b', 'b1', 2);
    follower.add('b');
    follower.add('b');
    await waitFor(() => logs.open('b') === 1, { what: 'b followed' });
    logs.remove('a');
    logs.write('b', 'b2', 3);
    await waitFor(() => io.out().includes('b2'), { what: 'b2' });
    logs.remove('b');
    await follower.done;
    expect(io.out()).toBe('a | a1\nb | b1\nb | b2\n');
    expect(io.err()).toBe('');
  });

  it('with keepOpen, waits for the signal even when no unit is left', async () => {
    const logs = new MemoryLogs();
    logs.write('a', 'a1', 1);
    const io = captureIO('/');
    const controller = new AbortController();
    const follower = followLogs(logs, io, ['a'], { signal: controller.signal, keepOpen: true });
    let done = false;
    void follower.done.then(() => (done = true));
    await waitFor(() => logs.open('a') === 1, { what: 'a followed' });
    logs.remove('a');
    await waitFor(() => logs.open('a') === 0, { what: 'a gone' });
    logs.write('c', 'c1', 2);
    follower.add('c');
    await waitFor(() => io.out().includes('c | c1'), { what: 'c1' });
    expect(done).toBe(false);
    controller.abort();
    await follower.done;
  });
});

describe('printLogs', () => {
  it('merges units by time, keeps one stream when asked, and skips a unit that is gone', async () => {
    const logs = new MemoryLogs();
    logs.write('api', 'api out', 2);
    logs.write('api', 'api err', 3, 'stderr');
    logs.write('db', 'db out', 1);
    logs.write('db', 'db err', 4, 'stderr');
    const io = captureIO('/');
    await printLogs(logs, io, ['api', 'db', 'removed'], { timestamps: false });
    expect(io.out()).toBe('db  | db out\napi | api out\napi | api err\ndb  | db err\n');
    const errOnly = captureIO('/');
    await printLogs(logs, errOnly, ['api', 'db'], { stream: 'stderr', tail: 1 });
    expect(errOnly.out()).toBe('api | api err\ndb  | db err\n');
  });
});
