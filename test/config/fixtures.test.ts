// Runs `compute validate` on every case folder under test/fixtures/config/ and compares what it prints with the
// case's expected.txt: error and warning lines (file:line:col: message) for invalid cases, `ok: ...` for valid ones.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from './helpers.js';

const ROOT = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

// Each case may hold: `args` (the -f files, one per line; default none, so compute.yaml is found),
// `env.json` (the process environment for interpolation; default empty), and must hold `expected.txt`.
function readCase(name: string) {
  const dir = join(ROOT, name);
  const optional = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined);
  const files = (optional('args') ?? '').split('\n').filter(Boolean);
  const env = JSON.parse(optional('env.json') ?? '{}') as Record<string, string>;
  const expected = readFileSync(join(dir, 'expected.txt'), 'utf8');
  return { dir, args: files.flatMap((file) => ['-f', file]), env, expected };
}

describe('config fixtures', () => {
  it('has at least 40 cases, valid and invalid', () => {
    const kinds = cases.map((name) => readCase(name).expected.trimEnd().split('\n').at(-1)?.startsWith('ok: '));
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(kinds.filter(Boolean).length).toBeGreaterThanOrEqual(8);
    expect(kinds.filter((ok) => !ok).length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', async (name) => {
    const { dir, args, env, expected } = readCase(name);
    const io = captureIO(dir, env);
    const code = await main(['validate', ...args], io);
    const printed = io.err() + io.out();
    expect(printed).toBe(expected);
    const valid = expected.trimEnd().split('\n').at(-1)?.startsWith('ok: ');
    expect(code).toBe(valid ? 0 : 2);
    // Every error line points into a file of the case (no stack trace, no internal error).
    expect(printed).not.toMatch(/internal error|\n\s+at /);
  });
});
