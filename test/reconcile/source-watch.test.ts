// Watching overlay sources with chokidar on real folders: a save is one batch, a 500-file checkout is one batch,
// ignored paths are not followed, a tree too big for inotify is polled, and a source that goes and comes back resumes.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OverlaySpec } from '../../src/contract/overlay.js';
import { watchSources, type SourceChange, type SourceWatch } from '../../src/reconcile/source-watch.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const open: SourceWatch[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((watch) => watch.close()));
});

function overlay(source: string, fields: Partial<OverlaySpec> = {}): OverlaySpec {
  return { id: 'app', source, target: '/app', strategy: 'smart', ignore: [], ...fields };
}

async function watching(specs: OverlaySpec[], options: { maxWatches?: number; pollIntervalMs?: number } = {}) {
  const batches: SourceChange[][] = [];
  const warnings: string[] = [];
  const watch = await watchSources(specs, { onChange: (batch) => batches.push(batch), onWarning: (text) => warnings.push(text), ...options });
  open.push(watch);
  return { batches, warnings, watch };
}

describe('watchSources', () => {
  it('reports a save within 300 ms as one batch, and skips ignored paths and smart package folders', async () => {
    const source = tempDir();
    mkdirSync(join(source, 'node_modules'));
    const { batches } = await watching([overlay(source, { ignore: ['*.log'] })]);
    writeFileSync(join(source, 'debug.log'), 'ignored');
    writeFileSync(join(source, 'node_modules', 'pkg.js'), 'shared by symlink');
    const saved = Date.now();
    writeFileSync(join(source, 'api.mjs'), 'v2');
    await waitFor(() => batches.length > 0, { what: 'a batch' });
    expect(Date.now() - saved).toBeLessThan(300);
    expect(batches.flat()).toEqual([{ overlay: 'app', paths: ['api.mjs'] }]);
  });

  it('batches a 500-file checkout into one change', async () => {
    const source = tempDir();
    const { batches } = await watching([overlay(source)]);
    mkdirSync(join(source, 'src'));
    for (let i = 0; i < 500; i++) writeFileSync(join(source, 'src', `f${i}.ts`), `export const n = ${i};\n`);
    await waitFor(() => batches.flat().flatMap((change) => change.paths).filter((path) => path.startsWith('src/f')).length === 500, { what: '500 paths', timeoutMs: 20_000 });
    expect(batches.map((b) => b.flatMap((c) => c.paths).length)).toEqual([501]);
  });

  it('falls back to polling, with a warning, when the tree has more entries than the inotify watches left', async () => {
    const source = tempDir();
    for (let i = 0; i < 20; i++) writeFileSync(join(source, `f${i}.txt`), 'x');
    const { batches, warnings, watch } = await watching([overlay(source)], { maxWatches: 10, pollIntervalMs: 50 });
    expect(watch.polling('app')).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/overlay app: its source has 20 entries, more than the 10 inotify watches left .*polling/)]);
    writeFileSync(join(source, 'f3.txt'), 'changed');
    await waitFor(() => batches.flat().some((change) => change.paths.includes('f3.txt')), { what: 'the polled change' });
  });

  it('tells when the source is renamed away, and follows it again once it is back', async () => {
    const parent = tempDir();
    const source = join(parent, 'app');
    mkdirSync(source);
    const { batches } = await watching([overlay(source)]);
    renameSync(source, join(parent, 'app-moved'));
    await waitFor(() => batches.flat().some((change) => change.paths.includes('.')), { what: 'the source gone' });
    renameSync(join(parent, 'app-moved'), source);
    await waitFor(() => batches.flat().filter((change) => change.paths.includes('.')).length >= 2, { what: 'the source back' });
    const before = batches.length;
    // The new watch is up once the source is back: a save in it is seen.
    await waitFor(
      () => {
        writeFileSync(join(source, 'after.txt'), String(Date.now()));
        return batches.slice(before).flat().some((change) => change.paths.includes('after.txt'));
      },
      { what: 'a save after the return' },
    );
  });
});
