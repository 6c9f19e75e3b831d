// Building source trees in temp folders, reading target trees back, and managers closed after each test.
import { lstatSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { afterEach } from 'vitest';
import { OverlayManager } from '../../../src/daemon/overlays/index.js';
import type { OverlayManagerOptions } from '../../../src/daemon/overlays/index.js';
import type { OverlaySpec } from '../../../src/contract/overlay.js';
// Imported before registering our hook: vitest runs after-hooks in reverse, so managers close before folders go.
import { tempDir } from '../../helpers/tmp.js';

const managers: OverlayManager[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});

/** A manager over a fresh sandbox root (or the given one), closed after the test. */
export function newManager(opts: Partial<OverlayManagerOptions> = {}): { manager: OverlayManager; root: string } {
  const root = opts.root ?? tempDir('compute-root-');
  const manager = new OverlayManager({ ...opts, root });
  managers.push(manager);
  return { manager, root };
}

/** Writes files (content strings) and empty folders (paths ending in `/`) under `dir`. */
export function writeTree(dir: string, tree: Record<string, string>): void {
  for (const [rel, content] of Object.entries(tree)) {
    const path = join(dir, rel);
    if (rel.endsWith('/')) {
      mkdirSync(path, { recursive: true });
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
}

/** Every entry under `dir`, sorted: files as `path`, folders as `path/`, symlinks as `path -> text` (not followed). */
export function listTree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const child = rel === '' ? name : posix.join(rel, name);
    const stat = lstatSync(join(dir, child));
    if (stat.isSymbolicLink()) out.push(`${child} -> ${readlinkSync(join(dir, child))}`);
    else if (stat.isDirectory()) out.push(`${child}/`, ...listTree(dir, child));
    else out.push(child);
  }
  return out;
}

/** A spec with the defaults a test does not care about. */
export function spec(fields: Partial<OverlaySpec> & Pick<OverlaySpec, 'source'>): OverlaySpec {
  return { id: 'app', target: '/app', strategy: 'copy', ignore: [], ...fields };
}

/**
 * An overlay that fails for real: a source file whose name is too long for the temp name it is copied under
 * (ENAMETOOLONG). Writes below the target go through folder fds, so a long target path no longer fails.
 */
export async function failedOverlay() {
  const source = tempDir();
  writeTree(source, { ['x'.repeat(250)]: 'long' });
  const target = '/app/long';
  const { manager, root } = newManager();
  const failing = spec({ source, target });
  await manager.create(failing);
  await manager.whenComplete('app').catch(() => undefined);
  return { manager, root, source, spec: failing };
}
