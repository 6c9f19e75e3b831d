// The bounded-inputs case of issue 13: a ~1 MB compose file written with anchors, aliases and merge keys is read by
// the fast reader and loads to the same Spec, errors and warnings as through the yaml package (not timed here: the
// figures are in docs/BENCHMARKS.md, measured with bench/lib/anchored.mjs).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { anchoredFile } from '../../bench/lib/anchored.mjs';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from '../helpers/tmp.js';

// fastRead, switchable off (so that every file goes to the yaml package), and counting the files it takes.
const fast = vi.hoisted(() => ({ off: false, taken: 0 }));
vi.mock('../../src/config/fast-yaml.js', async (original) => {
  const real = await original<typeof import('../../src/config/fast-yaml.js')>();
  return {
    ...real,
    fastRead: (...args: Parameters<typeof real.fastRead>) => {
      if (fast.off) return undefined;
      const value = real.fastRead(...args);
      if (value !== undefined) fast.taken++;
      return value;
    },
  };
});

async function loadBoth(text: string) {
  const dir = tempDir();
  const file = join(dir, 'compute.yaml');
  writeFileSync(file, text);
  const load = async (off: boolean) => {
    Object.assign(fast, { off, taken: 0 });
    const result = await loadConfig({ files: [file], cwd: dir, env: {} });
    return { result, taken: fast.taken };
  };
  return { withFast: await load(false), withYaml: await load(true) };
}

describe('a 1 MB compose file of anchors, aliases and merge keys', () => {
  it('is read by the fast reader and loads to the same Spec as through the yaml package', async () => {
    const text = anchoredFile(1_000_000);
    expect(text.length).toBeGreaterThan(990_000);
    const { withFast, withYaml } = await loadBoth(text);
    expect(withFast.taken).toBeGreaterThan(0);
    expect(withYaml.taken).toBe(0);
    expect(withFast.result.errors).toEqual([]);
    expect(Object.keys(withFast.result.spec?.units ?? {}).length).toBeGreaterThan(13_000);
    expect(withFast.result).toEqual(withYaml.result);
  });

  it('with a mistake in it, is refused with the same file:line:col errors by both readers', async () => {
    const text = anchoredFile(1_000_000).replace('needs: [s-100]', 'needs: [nope]').replace('x-check: &check { path: /health,', 'x-check: &check { path: health,');
    const { withFast, withYaml } = await loadBoth(text);
    expect(withFast.taken).toBeGreaterThan(0);
    expect(withFast.result.errors.length).toBeGreaterThanOrEqual(2);
    expect(withFast.result.errors.every((e) => e.line > 0 && e.col > 0)).toBe(true);
    expect(withFast.result).toEqual(withYaml.result);
  });
});
