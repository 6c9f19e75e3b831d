// The copy engine on its own, with a limiter the test controls.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Limiter } from '../../../src/daemon/overlays/limit.js';
import { syncTree } from '../../../src/daemon/overlays/sync.js';
import type { Manifest } from '../../../src/daemon/overlays/sync.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { writeTree } from './helpers.js';

describe('syncTree', () => {
  it('does not settle after a failure until every operation already under way has settled', async () => {
    const source = tempDir();
    const target = join(tempDir(), 'app');
    mkdirSync(target);
    writeTree(source, Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.txt`, `${i}`])));
    // Operation 0 is the folder read; operation 2 fails; the others are held until released.
    const held: Array<() => void> = [];
    let count = 0;
    const limit: Limiter = async (task) => {
      const index = count++;
      const result = await task();
      if (index === 2) throw new Error('disk on fire');
      if (index > 0) await new Promise<void>((resolve) => held.push(resolve));
      return result;
    };
    let settled = false;
    const written: Manifest = {};
    const sync = syncTree({
      sourceRoot: source,
      targetRoot: target,
      strategy: 'copy',
      ignore: [],
      signal: new AbortController().signal,
      limit,
      written,
      onProgress: () => undefined,
    }).finally(() => {
      settled = true;
    });
    await waitFor(() => held.length === 5, { what: 'five operations held' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    for (const release of held) release();
    await expect(sync).rejects.toThrow('disk on fire');
    // The failed entry is not owned; the five that completed are.
    expect(Object.keys(written)).toHaveLength(5);
    expect(Object.keys(written).every((rel) => existsSync(join(target, rel)))).toBe(true);
  });

  it('stops queued operations once the caller aborts', async () => {
    const source = tempDir();
    const target = join(tempDir(), 'app');
    mkdirSync(target);
    writeTree(source, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}.txt`, `${i}`])));
    const controller = new AbortController();
    let ran = 0;
    const limit: Limiter = async (task) => {
      ran += 1;
      if (ran === 4) controller.abort();
      return task();
    };
    const written: Manifest = {};
    const options = { sourceRoot: source, targetRoot: target, strategy: 'copy' as const, ignore: [], limit, written };
    await expect(syncTree({ ...options, signal: controller.signal, onProgress: () => undefined })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(Object.keys(written).length).toBeLessThan(4);
  });
});
