// writeAtomic and the private folders: whole files, mode 0600 whatever was there, 0700 folders, shared ones left alone.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateDir, privateEntries, writeAtomic } from '../../src/contract/persist.js';
import { tempDir } from '../helpers/tmp.js';

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('writeAtomic', () => {
  it('writes 0600, replaces a 0644 file with a 0600 one, and creates a missing folder 0700', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    chmodSync(path, 0o644);
    await writeAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(modeOf(path)).toBe(0o600);

    const nested = join(dir, 'state', 'daemon.json');
    await writeAtomic(nested, '{}');
    expect(modeOf(join(dir, 'state'))).toBe(0o700);
    expect(modeOf(nested)).toBe(0o600);
  });

  it('keeps a wider mode when one is asked for, whatever the umask', async () => {
    const path = join(tempDir(), 'shared.txt');
    const umask = process.umask(0o077);
    try {
      await writeAtomic(path, 'x', 0o644);
    } finally {
      process.umask(umask);
    }
    expect(modeOf(path)).toBe(0o644);
  });

  it('lets a concurrent reader see only whole versions, never a mix or an empty file', async () => {
    const path = join(tempDir(), 'state.json');
    const versions = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(256 * 1024));
    await writeAtomic(path, versions[0] as string);
    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) seen.add(await readFile(path, 'utf8'));
    })();
    for (let round = 0; round < 20; round += 1) await writeAtomic(path, versions[round % versions.length] as string);
    writing = false;
    await reader;
    expect(seen.size).toBeGreaterThan(0);
    for (const text of seen) expect(versions).toContain(text);
  });

  it('leaves the old file whole and no temp file when the write fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    await writeAtomic(path, 'old');
    // A folder where the rename would land makes the rename fail, after the temp file was written.
    mkdirSync(join(dir, 'blocked', 'x'), { recursive: true });
    await expect(writeAtomic(join(dir, 'blocked'), 'new')).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['blocked', 'state.json']);
  });
});

describe('privateDir and privateEntries', () => {
  const OWN = ['state.json', 'logs'];

  it('creates 0700 folders and tightens an existing 0755 one and its named 0644 entries, not deeper', async () => {
    const base = tempDir();
    const fresh = join(base, 'a', 'b');
    expect(await privateDir(fresh, OWN)).toBe(true);
    expect(modeOf(join(base, 'a'))).toBe(0o700);
    expect(modeOf(fresh)).toBe(0o700);

    const old = join(base, 'old');
    mkdirSync(join(old, 'logs', 'deep'), { recursive: true });
    writeFileSync(join(old, 'state.json'), '{}');
    writeFileSync(join(old, 'notes.txt'), '');
    writeFileSync(join(old, 'logs', 'deep', 'x.log'), '');
    for (const dir of [old, join(old, 'logs'), join(old, 'logs', 'deep')]) chmodSync(dir, 0o755);
    for (const file of ['state.json', 'notes.txt']) chmodSync(join(old, file), 0o644);
    expect(await privateDir(old, OWN)).toBe(true);
    await privateEntries(old, [...OWN, 'daemon.pid']);
    expect(modeOf(old)).toBe(0o700);
    expect(modeOf(join(old, 'state.json'))).toBe(0o600);
    expect(modeOf(join(old, 'logs'))).toBe(0o700);
    // Only the daemon's own names are changed, and nothing deeper: behind a 0700 folder nobody else gets in.
    expect(modeOf(join(old, 'notes.txt'))).toBe(0o644);
    expect(modeOf(join(old, 'logs', 'deep'))).toBe(0o755);
  });

  it('tightens an empty existing folder, but leaves one that holds none of its names, or a sticky one like /tmp', async () => {
    const base = tempDir();
    const empty = join(base, 'empty');
    mkdirSync(empty);
    chmodSync(empty, 0o755);
    expect(await privateDir(empty, OWN)).toBe(true);
    expect(modeOf(empty)).toBe(0o700);

    const home = join(base, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.bashrc'), '');
    chmodSync(home, 0o755);
    expect(await privateDir(home, OWN)).toBe(false);
    expect(modeOf(home)).toBe(0o755);

    const shared = join(base, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'state.json'), '');
    chmodSync(shared, 0o1777);
    expect(await privateDir(shared, OWN)).toBe(false);
    expect(modeOf(shared)).toBe(0o1777);
  });
});
