import { appendFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Coalescer, fingerprint, watchFiles, type FileWatch } from '../../src/reconcile/watch.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

describe('Coalescer', () => {
  it('runs once more after the current run for any number of triggers during it', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const coalescer = new Coalescer(async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    coalescer.trigger();
    coalescer.trigger();
    coalescer.trigger();
    coalescer.trigger();
    expect(runs).toBe(1);
    release();
    await coalescer.idle();
    expect(runs).toBe(2);
    coalescer.trigger();
    await coalescer.idle();
    expect(runs).toBe(3);
  });

  it('never runs two tasks at once', async () => {
    let active = 0;
    let maxActive = 0;
    const coalescer = new Coalescer(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
    });
    for (let i = 0; i < 20; i++) {
      coalescer.trigger();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await coalescer.idle();
    expect(maxActive).toBe(1);
  });
});

describe('watchFiles', () => {
  const watches: FileWatch[] = [];
  afterEach(async () => {
    for (const watch of watches.splice(0)) await watch.close();
  });

  async function start(files: string[]) {
    const batches: string[][] = [];
    watches.push(await watchFiles(files, (changed) => batches.push(changed.sort()), 50));
    return batches;
  }

  it('reports a changed file, and only the watched files of its folder', async () => {
    const dir = tempDir();
    const file = join(dir, 'compute.yaml');
    writeFileSync(file, 'a: 1\n');
    writeFileSync(join(dir, 'other.txt'), 'x');
    const batches = await start([file]);
    writeFileSync(join(dir, 'other.txt'), 'y');
    writeFileSync(file, 'a: 2\n');
    await waitFor(() => batches.length > 0, { what: 'a change' });
    expect(batches).toEqual([[file]]);
  });

  it('sees an atomic save (write to a temp file, rename over the original)', async () => {
    const dir = tempDir();
    const file = join(dir, 'compute.yaml');
    writeFileSync(file, 'a: 1\n');
    const batches = await start([file]);
    writeFileSync(join(dir, '.compute.yaml.swp'), 'a: 2\n');
    renameSync(join(dir, '.compute.yaml.swp'), file);
    await waitFor(() => batches.length > 0, { what: 'a change' });
    expect(batches.flat()).toContain(file);
  });

  it('sees a file that did not exist when the watch began, and its removal', async () => {
    const dir = tempDir();
    const envFile = join(dir, '.env');
    const batches = await start([envFile]);
    writeFileSync(envFile, 'A=1\n');
    await waitFor(() => batches.length === 1, { what: 'creation' });
    unlinkSync(envFile);
    await waitFor(() => batches.length === 2, { what: 'removal' });
    expect(batches).toEqual([[envFile], [envFile]]);
  });

  it('debounces a burst of writes into one call', async () => {
    const dir = tempDir();
    const file = join(dir, 'compute.yaml');
    writeFileSync(file, '0');
    const batches: string[][] = [];
    watches.push(await watchFiles([file], (changed) => batches.push(changed), 300));
    for (let i = 1; i <= 5; i++) writeFileSync(file, String(i));
    await waitFor(() => batches.length > 0, { what: 'the debounced call' });
    expect(batches).toEqual([[file]]);
  });

  it('follows a new set of files', async () => {
    const dir = tempDir();
    const sub = tempDir();
    const first = join(dir, 'a.yaml');
    const second = join(sub, 'b.env');
    writeFileSync(first, '1');
    const batches = await start([first]);
    await watches[0]?.setFiles([first, second]);
    writeFileSync(second, 'B=1');
    await waitFor(() => batches.flat().includes(second), { what: 'the new file' });
  });
});

describe('fingerprint', () => {
  it('is the same while files are untouched and differs once one grows, appears or goes', async () => {
    const dir = tempDir();
    const file = join(dir, 'compute.yaml');
    const later = join(dir, '.env');
    writeFileSync(file, 'a: 1\n');
    const before = await fingerprint([file, later]);
    expect(await fingerprint([file, later])).toBe(before);
    appendFileSync(file, 'b: 2\n');
    const grown = await fingerprint([file, later]);
    expect(grown).not.toBe(before);
    writeFileSync(later, 'A=1\n');
    const appeared = await fingerprint([file, later]);
    expect(appeared).not.toBe(grown);
    unlinkSync(later);
    expect(await fingerprint([file, later])).toBe(grown);
  });
});
