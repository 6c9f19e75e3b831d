// The log store's bounds and crash safety: rotation, spool segments and holes, resuming after a close or a crash, volume.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFrames } from '../../../src/daemon/logs/frame.js';
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

const lineNumbers = (texts: string[]) => texts.map((text) => Number(text.split(' ')[1]));
const consecutive = (numbers: number[]) => Array.from({ length: numbers.length }, (_, index) => numbers[0]! + index);
const indexFrames = (file: string) => parseFrames(readFileSync(file)).frames;
/** Bytes of disk the files of `folder` take (holes excluded). */
const diskBytes = (folder: string) => readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).blocks * 512, 0);

describe('LogStore: bounded on disk', () => {
  it('rotates the index when its frames point at maxBytes of output, keeping one older file and the newest lines', async () => {
    const dir = tempDir();
    const maxBytes = 4096;
    const store = track(new LogStore({ dir, maxBytes, chunkBytes: 1024 }));
    const child = await spawnUnit(store, 'r', ['lines', '2000', '32']);
    expect(await exited(child)).toBe(0);
    await store.drain('r');
    const files = readdirSync(dir).filter((name) => name.startsWith('r.index')).sort();
    expect(files).toEqual(['r.index', 'r.index.1']);
    for (const file of files) {
      const pointedAt = indexFrames(join(dir, file)).reduce((sum, frame) => sum + frame.length, 0);
      expect(pointedAt + statSync(join(dir, file)).size).toBeLessThanOrEqual(maxBytes + 2048);
    }
    const numbers = lineNumbers(await texts(store, 'r'));
    expect(numbers.at(-1)).toBe(1999);
    expect(numbers[0]).toBeGreaterThan(0);
    expect(numbers).toEqual(consecutive(numbers));
    // More lines than the current file points at: the tail reaches into the rotated one.
    const inCurrent = indexFrames(join(dir, 'r.index')).reduce((sum, frame) => sum + frame.length, 0) / 32;
    expect(numbers.length).toBeGreaterThan(inCurrent + 3);
    const tail = await store.read('r', { stream: 'stdout', tail: inCurrent + 3 });
    expect(lineNumbers(tail.map((line) => line.text))).toEqual(numbers.slice(-(inCurrent + 3)));
  });

  it('gives a process a new spool segment once the last is large, and deletes the segments rotated out of the index', async () => {
    const dir = tempDir();
    const store = track(new LogStore({ dir, maxBytes: 2048, segmentBytes: 1024 }));
    for (let run = 0; run < 12; run++) {
      const child = await spawnUnit(store, 's', ['lines', '20', '32']);
      expect(await exited(child)).toBe(0);
      await store.drain('s');
    }
    const segments = readdirSync(join(dir, 'spool')).filter((name) => name.startsWith('s.stdout.')).map((name) => Number(name.split('.')[2]));
    // 640 bytes per run: a new segment every second run, and only the few the two index files point into are kept.
    expect(Math.max(...segments)).toBe(5);
    expect(segments.length).toBeLessThanOrEqual(4);
    const lines = await texts(store, 's');
    expect(lines.length).toBeGreaterThanOrEqual(2048 / 32 - 20);
    expect(lines.at(-1)).toMatch(/^line 19 x+$/);
    // Each run's 20 lines in order: the newest runs whole, the oldest kept run possibly in part.
    expect(lineNumbers(lines.slice(-40))).toEqual([...consecutive(Array(20).fill(0)), ...consecutive(Array(20).fill(0))]);
  });

  it('frees the disk space of output rotated out of a live segment by punching holes, losing no kept line', async () => {
    const dir = tempDir();
    const store = track(new LogStore({ dir, maxBytes: 4096, freeBytes: 8192 }));
    const child = await spawnUnit(store, 'f', ['script']);
    const spool = join(dir, 'spool', 'f.stdout.0');
    const long = (n: number) => `${n} `.padEnd(999, 'y');
    let largest = 0;
    for (let n = 0; n < 60; n++) {
      send(child, `out ${long(n)}`);
      await waitFor(async () => (await texts(store, 'f')).at(-1) === long(n), { what: `line ${n}` });
      largest = Math.max(largest, diskBytes(join(dir, 'spool')));
    }
    expect(statSync(spool).size).toBe(60 * 1000);
    // Kept: 4 to 8 lines of 1,000 bytes; freed in steps of 8 KiB (and 4 KiB blocks): never near the 60 KB written.
    expect(largest).toBeLessThanOrEqual(24_576);
    const kept = (await texts(store, 'f')).map((text) => Number(text.split(' ')[0]));
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept).toEqual(consecutive(kept));
    expect(kept.at(-1)).toBe(59);
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
    const spool = join(dir, 'spool', 'k.stdout.0');
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

  it('resumes after the process holding the store is SIGKILLed, losing and repeating no line', async () => {
    const dir = tempDir();
    // A small index limit, so that the killed store has rotated its index and freed segments along the way.
    const host = spawn(process.execPath, [HOST, dir, 'c', '400', process.execPath, CHATTY, 'tick', '30'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [first] = (await once(createInterface({ input: host.stdout! }), 'line')) as [string];
    const writer = Number(first.split(' ')[1]);
    trackPid(writer);
    const reader = track(new LogStore({ dir }));
    await ticksUpTo(reader, 'c', 25);
    host.kill('SIGKILL');
    await exited(host);
    const spool = join(dir, 'spool', 'c.stdout.0');
    const sizeAtKill = statSync(spool).size;
    await waitFor(() => statSync(spool).size >= sizeAtKill + 50, { what: 'the writer outliving its store' });

    const recovered = track(new LogStore({ dir, maxBytes: 400 }));
    await recovered.attach('c');
    const lines = await ticksUpTo(recovered, 'c', tickNumbers(await texts(reader, 'c')).highest + 10);
    // The index is where indexing resumes: the kept lines run on with no gap and no repeat.
    const numbers = lines.map((text) => Number(text.split(' ')[1]));
    expect(numbers).toEqual(consecutive(numbers));
  });

  it('cuts off a torn last frame before appending, so the log stays readable', async () => {
    const dir = tempDir();
    const first = track(new LogStore({ dir }));
    const child = await spawnUnit(first, 'x', ['script']);
    send(child, 'out before');
    await waitFor(async () => (await texts(first, 'x')).length === 1);
    await first.close();
    // The start of a frame whose write was cut short by a crash.
    appendFileSync(join(dir, 'x.index'), '1700000000000 o 0 7 6');
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
  it('indexes several MB written as fast as possible, whole and in order, without copying them', async () => {
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
    expect(indexFrames(join(dir, 'v.index')).length).toBeLessThan(count / 100);
    // The output is only in the spool: the index is a few frames, well under 1 % of it.
    expect(statSync(join(dir, 'v.index')).size).toBeLessThan((count * 32) / 100);
    expect(statSync(join(dir, 'spool', 'v.stdout.0')).size).toBe(count * 32);
  });
});
