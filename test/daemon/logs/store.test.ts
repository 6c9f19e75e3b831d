// The log store with real child processes writing into its spools: streams, order, tail, drain, onLine, follow.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogStore } from '../../../src/daemon/logs/index.js';
import type { LogLine } from '../../../src/contract/wire.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { exited, send, spawnUnit, track } from './helpers.js';

const texts = (lines: LogLine[]) => lines.map((line) => line.text);

/** Waits until the unit's combined log holds `count` lines, and returns them. */
async function linesOf(store: LogStore, unit: string, count: number): Promise<LogLine[]> {
  return waitFor(
    async () => {
      const lines = await store.read(unit, { stream: 'combined' });
      return lines.length >= count ? lines : undefined;
    },
    { what: `${count} lines in the log of ${unit}` },
  );
}

describe('LogStore: streams and order', () => {
  it('interleaves stdout and stderr in arrival order, filters each, and stamps lines with the read time', async () => {
    let clock = 1_000;
    const store = track(new LogStore({ dir: tempDir(), now: () => clock }));
    const child = await spawnUnit(store, 'api', ['script']);
    const sent: Array<['stdout' | 'stderr', string]> = [
      ['stdout', 'out 1'],
      ['stderr', 'err 1'],
      ['stderr', 'err 2'],
      ['stdout', 'out 2'],
      ['stderr', 'err 3'],
      ['stdout', 'out 3'],
    ];
    // One line at a time, each ingested before the next is sent, so that the order is observable.
    for (const [index, [stream, text]] of sent.entries()) {
      clock = 2_000 + index;
      send(child, `${stream === 'stdout' ? 'out' : 'err'} ${text}`);
      await linesOf(store, 'api', index + 1);
    }
    const combined = await store.read('api', { stream: 'combined' });
    expect(combined).toEqual(sent.map(([stream, text], index) => ({ ts: 2_000 + index, stream, text })));
    expect(texts(await store.read('api', { stream: 'stdout' }))).toEqual(['out 1', 'out 2', 'out 3']);
    expect(texts(await store.read('api', { stream: 'stderr' }))).toEqual(['err 1', 'err 2', 'err 3']);
    send(child, 'exit 0');
    expect(await exited(child)).toBe(0);
  });

  it('reads first the stream that was written to first, when both have lines waiting', async () => {
    const store = track(new LogStore({ dir: tempDir() }));
    const child = await spawnUnit(store, 'both', ['script']);
    for (let n = 0; n < 5; n++) {
      // Written microseconds apart, both before the store reads either: only the order of the events tells them apart.
      child.stdin!.write(`err e${n}\nout o${n}\n`);
      await linesOf(store, 'both', 2 * (n + 1));
    }
    expect(texts(await store.read('both', { stream: 'combined' }))).toEqual(
      [0, 1, 2, 3, 4].flatMap((n) => [`e${n}`, `o${n}`]),
    );
    send(child, 'exit 0');
    await exited(child);
  });

  it('tails the last N lines after filtering by stream', async () => {
    const store = track(new LogStore({ dir: tempDir() }));
    const child = await spawnUnit(store, 'web', ['script']);
    for (let n = 1; n <= 5; n++) {
      send(child, `out o${n}`);
      send(child, `err e${n}`);
    }
    send(child, 'exit 0');
    await exited(child);
    await store.drain('web');
    expect(texts(await store.read('web', { stream: 'stdout', tail: 2 }))).toEqual(['o4', 'o5']);
    expect(texts(await store.read('web', { stream: 'stderr', tail: 3 }))).toEqual(['e3', 'e4', 'e5']);
    expect(await store.read('web', { stream: 'combined', tail: 4 })).toHaveLength(4);
    expect(await store.read('web', { stream: 'combined', tail: 0 })).toEqual([]);
    expect(texts(await store.read('web', { stream: 'stdout', tail: 50 }))).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
  });

  it('holds back a partial last line until drain delivers it', async () => {
    const store = track(new LogStore({ dir: tempDir() }));
    const child = await spawnUnit(store, 'job', ['script']);
    send(child, 'out first');
    send(child, 'partial last words');
    send(child, 'err marker');
    const lines = await waitFor(async () => {
      const all = await store.read('job', { stream: 'combined' });
      return texts(all).includes('marker') && texts(all).includes('first') ? all : undefined;
    });
    expect(texts(lines)).not.toContain('last words');
    send(child, 'exit 3');
    expect(await exited(child)).toBe(3);
    await store.drain('job');
    expect(texts(await store.read('job', { stream: 'stdout' }))).toEqual(['first', 'last words']);
  });

  it('reads nothing for a unit it never saw, and rejects a name that is not a slug', async () => {
    const store = track(new LogStore({ dir: tempDir() }));
    expect(await store.read('nobody', { stream: 'combined' })).toEqual([]);
    await expect(store.read('../etc', { stream: 'combined' })).rejects.toThrow(/slug/);
    await expect(store.openSpool('a/b')).rejects.toThrow(/slug/);
  });
});

describe('LogStore: onLine', () => {
  it('delivers every new line with its stream until unsubscribed (the log-line health check)', async () => {
    const store = track(new LogStore({ dir: tempDir() }));
    const seen: LogLine[] = [];
    const unsubscribe = store.onLine('db', (line) => seen.push(line));
    const child = await spawnUnit(store, 'db', ['script']);
    send(child, 'out starting');
    send(child, 'err ready to accept connections');
    await waitFor(() => seen.length >= 2, { what: 'two lines through onLine' });
    expect(seen.map(({ stream, text }) => [stream, text])).toEqual([
      ['stdout', 'starting'],
      ['stderr', 'ready to accept connections'],
    ]);
    unsubscribe();
    send(child, 'out after');
    await linesOf(store, 'db', 3);
    expect(seen).toHaveLength(2);
    send(child, 'exit 0');
    await exited(child);
  });
});

describe('LogStore: follow', () => {
  it('gives the past lines, then new ones across a restart of the unit, until aborted', async () => {
    const store = track(new LogStore({ dir: tempDir() }));
    const first = await spawnUnit(store, 'svc', ['script']);
    send(first, 'out before follow');
    await linesOf(store, 'svc', 1);

    const controller = new AbortController();
    const followed: string[] = [];
    const done = (async () => {
      for await (const line of store.follow('svc', { stream: 'combined' }, controller.signal)) followed.push(line.text);
    })();
    await waitFor(() => followed.length === 1, { what: 'the past line' });
    send(first, 'err first run');
    send(first, 'exit 1');
    await exited(first);
    await store.drain('svc');

    const second = await spawnUnit(store, 'svc', ['script']);
    send(second, 'out second run');
    await waitFor(() => followed.length === 3, { what: 'the line after the restart' });
    expect(followed).toEqual(['before follow', 'first run', 'second run']);

    controller.abort();
    await done;
    send(second, 'out after abort');
    await linesOf(store, 'svc', 4);
    expect(followed).toHaveLength(3);
    send(second, 'exit 0');
    await exited(second);
  });

  it('tails the past and filters new lines by stream', async () => {
    const store = track(new LogStore({ dir: tempDir() }));
    const child = await spawnUnit(store, 'svc', ['script']);
    for (const n of [1, 2, 3]) send(child, `out o${n}`);
    await linesOf(store, 'svc', 3);
    const controller = new AbortController();
    const followed: string[] = [];
    const done = (async () => {
      for await (const line of store.follow('svc', { stream: 'stdout', tail: 2 }, controller.signal)) followed.push(line.text);
    })();
    await waitFor(() => followed.length === 2, { what: 'the tail of the past' });
    send(child, 'err not this');
    send(child, 'out o4');
    await waitFor(() => followed.length === 3, { what: 'the tail and one new stdout line' });
    await linesOf(store, 'svc', 5);
    expect(followed).toEqual(['o2', 'o3', 'o4']);
    controller.abort();
    await done;
    send(child, 'exit 0');
    await exited(child);
  });

  it('ends when the unit is removed, whose files are then gone', async () => {
    const dir = tempDir();
    const store = track(new LogStore({ dir }));
    const child = await spawnUnit(store, 'gone', ['script']);
    send(child, 'out hello');
    await linesOf(store, 'gone', 1);
    const followed: string[] = [];
    const done = (async () => {
      for await (const line of store.follow('gone', { stream: 'combined' }, new AbortController().signal)) followed.push(line.text);
    })();
    await waitFor(() => followed.length === 1);
    send(child, 'exit 0');
    await exited(child);
    expect(readdirSync(join(dir, 'spool')).filter((name) => name.startsWith('gone.')).sort()).toEqual(['gone.stderr.0', 'gone.stdout.0']);
    // Files of the store before the index, left in a state folder by an older daemon, go too.
    for (const name of ['gone.log', 'gone.offsets.json', 'spool/gone.stdout']) writeFileSync(join(dir, name), 'old\n');
    await store.remove('gone');
    await done;
    expect(followed).toEqual(['hello']);
    expect(readdirSync(dir).filter((name) => name.startsWith('gone'))).toEqual([]);
    expect(readdirSync(join(dir, 'spool')).filter((name) => name.startsWith('gone'))).toEqual([]);
    expect(await store.read('gone', { stream: 'combined' })).toEqual([]);
  });
});
