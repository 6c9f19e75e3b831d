// The log store's bounds and crash safety: rotation, spool truncation, resuming after a close or a crash, volume.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countLines, parseFrames } from '../../../src/daemon/logs/frame.js';
import { LogStore } from '../../../src/daemon/logs/index.js';
import { isAlive } from '../../helpers/procs.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { CHATTY, exited, send, spawnUnit, tickNumbers, track, trackPid } from './helpers.js';

const HOST = fileURLToPath(new URL('./store-host.mjs', import.meta.url));
const texts = async (store: LogStore, unit: string) => (await store.read(unit, { stream: 'combined' })).map((line) => line.text);
const ticks = (count: number) => Array.from({ length: count }, (_, n) => `tick ${n}`);

/** Waits until the unit's log holds `tick N` lines up to at least `highest`, and returns its texts. */
function ticksUpTo(store: LogStore, unit: string, highest: number): Promise<string[]> {
  return waitFor(
    async () => {
      const lines = await texts(store, unit);
      return lines.length > 0 && tickNumbers(lines).highest >= highest ? lines : undefined;
    },
    { what: `tick ${highest} in the log of ${unit}` },
  );
}

describe('LogStore: bounded on disk', () => {
  it('rotates at maxBytes, keeping one older file and the newest lines', async () => {
    const dir = tempDir();
    const maxBytes = 4096;
    const store = track(new LogStore({ dir, maxBytes, chunkBytes: 1024 }));
    const child = await spawnUnit(store, 'r', ['lines', '2000', '32']);
    expect(await exited(child)).toBe(0);
    await store.drain('r');
    const files = readdirSync(dir).filter((name) => name.startsWith('r.log')).sort();
    expect(files).toEqual(['r.log', 'r.log.1']);
    for (const file of files) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(maxBytes);
    const numbers = (await texts(store, 'r')).map((text) => Number(text.split(' ')[1]));
    expect(numbers.at(-1)).toBe(1999);
    expect(numbers[0]).toBeGreaterThan(0);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => numbers[0]! + index));
    // More lines than the current file holds: the tail reaches into the rotated one.
    const current = readFileSync(join(dir, 'r.log'));
    const inCurrent = parseFrames(current).frames.reduce((sum, frame) => sum + countLines(current, frame), 0);
    expect(numbers.length).toBeGreaterThan(inCurrent + 3);
    const tail = await store.read('r', { stream: 'stdout', tail: inCurrent + 3 });
    expect(tail.map((line) => Number(line.text.split(' ')[1]))).toEqual(numbers.slice(-(inCurrent + 3)));
  });

  it('truncates a fully ingested spool once it is quiet, losing and repeating nothing', async () => {
    const dir = tempDir();
    const store = track(new LogStore({ dir, spoolBytes: 64, quietMs: 10 }));
    await spawnUnit(store, 't', ['tick', '40']);
    const lines = await ticksUpTo(store, 't', 30);
    const written = lines.reduce((sum, text) => sum + text.length + 1, 0);
    expect(statSync(join(dir, 'spool', 't.stdout')).size).toBeLessThan(written / 2);
    expect(lines).toEqual(ticks(lines.length));
  });

  it('frees the disk space of a spool that is never quiet by punching holes, losing no line', async () => {
    const dir = tempDir();
    const store = track(new LogStore({ dir, spoolBytes: 1024, freeBytes: 8192, quietMs: 600_000 }));
    const child = await spawnUnit(store, 'f', ['script']);
    const spool = join(dir, 'spool', 'f.stdout');
    const long = (n: number) => `${n} `.padEnd(999, 'y');
    let largest = 0;
    for (let n = 0; n < 40; n++) {
      send(child, `out ${long(n)}`);
      await waitFor(async () => (await texts(store, 'f')).length === n + 1, { what: `line ${n}` });
      largest = Math.max(largest, statSync(spool).blocks * 512);
    }
    expect(statSync(spool).size).toBe(40 * 1000);
    expect(largest).toBeLessThanOrEqual(16_384);
    expect(await texts(store, 'f')).toEqual(Array.from({ length: 40 }, (_, n) => long(n)));
    send(child, 'exit 0');
    await exited(child);
  });
});

describe('LogStore: resuming', () => {
  it('a child keeps writing after the store closes, and a new store resumes without losing or repeating a line', async () => {
    const dir = tempDir();
    const first = track(new LogStore({ dir }));
    const child = await spawnUnit(first, 'k', ['tick', '10']);
    const before = await ticksUpTo(first, 'k', 5);
    await first.close();
    const spool = join(dir, 'spool', 'k.stdout');
    const sizeAtClose = statSync(spool).size;
    await waitFor(() => statSync(spool).size >= sizeAtClose + 30, { what: 'the child writing with no store' });
    expect(isAlive(child.pid!)).toBe(true);

    const second = track(new LogStore({ dir }));
    await second.attach('k');
    const after = await ticksUpTo(second, 'k', tickNumbers(before).highest + 10);
    expect(after).toEqual(ticks(after.length));
  });

  it('keeps a partial line in the spool across a close, so the next store reads it whole', async () => {
    const dir = tempDir();
    const first = track(new LogStore({ dir }));
    const child = await spawnUnit(first, 'p', ['script']);
    send(child, 'out a');
    send(child, 'partial b');
    await waitFor(async () => (await texts(first, 'p')).includes('a'));
    await first.close();
    send(child, 'out c');
    send(child, 'exit 0');
    await exited(child);
    const second = track(new LogStore({ dir }));
    await second.attach('p');
    await second.drain('p');
    expect(await texts(second, 'p')).toEqual(['a', 'bc']);
  });

  it('resumes after the process holding the store is SIGKILLed, losing no line', async () => {
    const dir = tempDir();
    // A small spool limit, so that the killed store has truncated spools and saved offsets along the way.
    const host = spawn(process.execPath, [HOST, dir, 'c', '40', process.execPath, CHATTY, 'tick', '30'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [first] = (await once(createInterface({ input: host.stdout! }), 'line')) as [string];
    const writer = Number(first.split(' ')[1]);
    trackPid(writer);
    const reader = track(new LogStore({ dir }));
    await ticksUpTo(reader, 'c', 25);
    host.kill('SIGKILL');
    await exited(host);
    const spool = join(dir, 'spool', 'c.stdout');
    const sizeAtKill = statSync(spool).size;
    await waitFor(() => statSync(spool).size >= sizeAtKill + 50, { what: 'the writer outliving its store' });

    const recovered = track(new LogStore({ dir }));
    await recovered.attach('c');
    const lines = await ticksUpTo(recovered, 'c', tickNumbers(await texts(reader, 'c')).highest + 10);
    expect(tickNumbers(lines).gaps).toEqual([]);
    // A crash may repeat the lines ingested since the offsets were last saved, and no more.
    expect(lines.length - (tickNumbers(lines).highest + 1)).toBeLessThanOrEqual(60);
  });

  it('cuts off a torn last frame before appending, so the log stays readable', async () => {
    const dir = tempDir();
    const first = track(new LogStore({ dir }));
    const child = await spawnUnit(first, 'x', ['script']);
    send(child, 'out before');
    await waitFor(async () => (await texts(first, 'x')).length === 1);
    await first.close();
    appendFileSync(join(dir, 'x.log'), '1700000000000 o 99\ntorn');
    const second = track(new LogStore({ dir }));
    await second.attach('x');
    send(child, 'out after');
    await waitFor(async () => (await texts(second, 'x')).length === 2, { what: 'the line after the repair' });
    expect(await texts(second, 'x')).toEqual(['before', 'after']);
    send(child, 'exit 0');
    await exited(child);
  });
});

describe('LogStore: volume', () => {
  it('ingests several MB written as fast as possible, whole and in order, framed per chunk', async () => {
    const dir = tempDir();
    const store = track(new LogStore({ dir }));
    const count = 200_000;
    const child = await spawnUnit(store, 'v', ['lines', String(count), '32']);
    expect(await exited(child)).toBe(0);
    await store.drain('v');
    const lines = await store.read('v', { stream: 'stdout' });
    expect(lines).toHaveLength(count);
    const wrong = lines.findIndex((line, n) => !line.text.startsWith(`line ${n} `) || line.text.length !== 31);
    expect(wrong).toBe(-1);
    const { frames } = parseFrames(readFileSync(join(dir, 'v.log')));
    expect(frames.length).toBeLessThan(count / 100);
    // Fully ingested and no longer written to: the spool is emptied.
    await waitFor(() => statSync(join(dir, 'spool', 'v.stdout')).size === 0, { what: 'the spool to be truncated' });
  });
});
