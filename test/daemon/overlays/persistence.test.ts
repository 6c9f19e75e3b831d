// Overlays outlive their manager: a new daemon knows them, owns their files, and finishes interrupted copies.
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAtomic } from '../../../src/contract/persist.js';
import { loadState, StateFile } from '../../../src/daemon/overlays/state.js';
import type { StoredOverlay } from '../../../src/daemon/overlays/state.js';
import type { OverlayRecord } from '../../../src/contract/overlay.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { listTree, newManager, spec, writeTree } from './helpers.js';

describe('persistence across managers', () => {
  it('a new manager lists the overlays, treats the same spec as a no-op, and destroys their files', async () => {
    const source = tempDir();
    const stateFile = join(tempDir(), 'state', 'overlays.json');
    writeTree(source, { 'a.txt': 'a', 'dir/b.txt': 'b' });
    const first = newManager({ stateFile });
    await first.manager.create(spec({ source, labels: { 'compute.project': 'shop' } }));
    await first.manager.whenComplete('app');
    const records = first.manager.list();
    await first.manager.close();

    const second = newManager({ stateFile, root: first.root });
    expect(second.manager.list()).toEqual(records);
    const ino = lstatSync(join(first.root, 'app/a.txt')).ino;
    const events: OverlayRecord[] = [];
    second.manager.subscribe((record) => events.push(record));
    await second.manager.create(spec({ source, labels: { 'compute.project': 'shop' } }));
    expect(events).toEqual([]);
    expect(lstatSync(join(first.root, 'app/a.txt')).ino).toBe(ino);

    writeTree(join(first.root, 'app'), { 'unit.log': 'kept' });
    await second.manager.destroy('app');
    expect(listTree(join(first.root, 'app'))).toEqual(['unit.log']);
    const third = newManager({ stateFile, root: first.root });
    expect(third.manager.list()).toEqual([]);
  });

  it('restarts a copy that was in progress when the former manager closed', async () => {
    const source = tempDir();
    const stateFile = join(tempDir(), 'overlays.json');
    const total = 400;
    writeTree(source, Object.fromEntries(Array.from({ length: total }, (_, i) => [`f${i}.txt`, `${i}`])));
    const first = newManager({ stateFile, concurrency: 1, progressIntervalMs: 0 });
    let closing: Promise<void> | undefined;
    first.manager.subscribe((record) => {
      // Close from inside the copy, at a known point, rather than racing a timer against it.
      if (record.stats.copied_files >= 10) closing ??= first.manager.close();
    });
    await first.manager.create(spec({ source }));
    await waitFor(() => closing !== undefined, { what: 'the copy to reach 10 files' });
    await closing;
    const stored = loadState(stateFile);
    expect(stored[0]?.record.copy_status).toBe('in_progress');
    const copiedBefore = readdirSync(join(first.root, 'app')).length;
    expect(copiedBefore).toBeLessThan(total);

    const second = newManager({ stateFile, root: first.root });
    expect(['pending', 'in_progress']).toContain(second.manager.get('app')?.copy_status);
    await second.manager.whenComplete('app');
    expect(second.manager.get('app')?.stats.copied_files).toBe(total);
    expect(readdirSync(join(first.root, 'app'))).toHaveLength(total);
    expect(readFileSync(join(first.root, 'app/f399.txt'), 'utf8')).toBe('399');
  });

  it('rejects calls after close with a 503', async () => {
    const { manager } = newManager();
    await manager.close();
    await expect(manager.create(spec({ source: tempDir() }))).rejects.toMatchObject({ status: 503 });
  });
});

describe('state file', () => {
  const stored = (id: string): StoredOverlay => ({
    spec: spec({ id, source: '/src' }),
    record: {
      id,
      source: '/src',
      target: '/app',
      strategy: 'copy',
      ignore: [],
      created_at: 'now',
      stats: { copied_files: 0, copied_dirs: 0, skipped: [] },
      copy_status: 'complete',
    },
    manifest: { 'a.txt': { kind: 'file', size: 1, mtimeMs: 1, mode: 0o644 } },
    manifestTarget: '/app',
  });

  it('is empty when missing, and names the file when damaged', () => {
    const dir = tempDir();
    expect(loadState(join(dir, 'none.json'))).toEqual([]);
    writeFileSync(join(dir, 'bad.json'), '{"version":1,"overl');
    expect(() => loadState(join(dir, 'bad.json'))).toThrow(/overlay state file ".*bad.json" is not valid JSON/);
    writeFileSync(join(dir, 'other.json'), '{"version":2,"overlays":[]}');
    expect(() => loadState(join(dir, 'other.json'))).toThrow(/is not an overlay state \(version 1\)/);
  });

  it('coalesces concurrent saves and ends with the latest state, leaving no temp files', async () => {
    const dir = tempDir();
    const path = join(dir, 'overlays.json');
    let current: StoredOverlay[] = [];
    let snapshots = 0;
    const file = new StateFile(path, () => {
      snapshots += 1;
      return current;
    });
    const saves: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i += 1) {
      current = [...current, stored(`o${i}`)];
      saves.push(file.save());
    }
    await Promise.all(saves);
    expect(loadState(path).map((o) => o.spec.id)).toEqual(current.map((o) => o.spec.id));
    expect(snapshots).toBeLessThan(20);
    expect(readdirSync(dir)).toEqual(['overlays.json']);
  });

  it('writes atomically: a failed write leaves the old file whole and no temp file', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    await writeAtomic(path, 'old');
    // A folder where the temp file's rename would land makes the rename fail.
    const blocked = join(dir, 'blocked');
    writeTree(blocked, { 'x/': '' });
    await expect(writeAtomic(blocked, 'new')).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['blocked', 'state.json']);
    expect(existsSync(join(blocked, 'x'))).toBe(true);
  });
});
