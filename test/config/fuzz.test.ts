// Seeded fuzzing of the loader: 2,000 random mutations of the valid fixture files (deleted and swapped lines,
// swapped types, random bytes, deep nesting, huge numbers, YAML syntax). loadConfig must always return a Spec or
// errors with positions, never throw nor report an internal error; `compute validate` must never print a stack trace.
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/config/spec.js';
import { tempDir } from '../helpers/tmp.js';
import { captureIO } from './helpers.js';
import { mutate, rng } from './mutate.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const SEED = 20_251_123;
const CASES = 2000;
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

// The valid fixture cases are the starting points; each is copied (with its env files) into a temp folder.
function bases(root: string): { dir: string; text: string }[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.startsWith('valid-'))
    .flatMap((name) => {
      const dir = join(root, name);
      cpSync(join(FIXTURES, name), dir, { recursive: true });
      const file = readdirSync(dir).find((f) => f === 'compute.yaml');
      return file ? [{ dir, text: readFileSync(join(dir, file), 'latin1') }] : [];
    });
}

function problemsOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics.flatMap((d) => {
    const ok = typeof d.file === 'string' && Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.col) && d.col >= 1 && d.message.length > 0;
    return ok && !d.message.startsWith('internal error') ? [] : [JSON.stringify(d)];
  });
}

describe('fuzzing the loader', () => {
  it(`returns a Spec or positioned errors for ${CASES} seeded mutations, and never throws`, async () => {
    const r = rng(SEED);
    const starts = bases(tempDir());
    const failures: string[] = [];
    let valid = 0;
    for (let i = 0; i < CASES; i++) {
      const base = r.pick(starts);
      const text = mutate(base.text, r);
      const file = join(base.dir, 'fuzz.yaml');
      writeFileSync(file, text, 'latin1');
      try {
        const result = await loadConfig({ files: [file], cwd: base.dir, env: {} });
        const problems = [...problemsOf(result.errors), ...problemsOf(result.warnings)];
        if (result.spec && result.errors.length > 0) problems.push('a spec with errors');
        if (!result.spec && result.errors.length === 0) problems.push('neither a spec nor errors');
        if (problems.length > 0) failures.push(`case ${i}: ${problems.join('; ')}\n${text.slice(0, 400)}`);
        if (result.spec) valid++;
      } catch (error) {
        failures.push(`case ${i} threw ${String(error)}\n${text.slice(0, 400)}`);
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
    // The mutations must exercise both outcomes, or the test proves little.
    expect(valid).toBeGreaterThan(CASES / 20);
    expect(valid).toBeLessThan(CASES - CASES / 20);
  });

  it('`compute validate` prints errors or ok, never a stack trace (in-process, a sample of 100)', async () => {
    const r = rng(SEED + 1);
    const starts = bases(tempDir());
    for (let i = 0; i < 100; i++) {
      const base = r.pick(starts);
      writeFileSync(join(base.dir, 'fuzz.yaml'), mutate(base.text, r), 'latin1');
      const io = captureIO(base.dir);
      const code = await main(['validate', '-f', 'fuzz.yaml'], io);
      expect([0, 2]).toContain(code);
      expect(io.err()).not.toMatch(STACK);
      expect(io.err()).not.toMatch(/internal error/);
      for (const line of io.err().split('\n').filter(Boolean)) expect(line).toMatch(/^[^:]+:\d+:\d+: /);
      expect(code === 0 ? io.out() : '').toMatch(code === 0 ? /^ok: / : /^$/);
    }
  });

  it('the built CLI, run as a user would, prints no stack trace either', async () => {
    const r = rng(SEED + 2);
    const starts = bases(tempDir());
    for (let i = 0; i < 5; i++) {
      const base = r.pick(starts);
      writeFileSync(join(base.dir, 'fuzz.yaml'), mutate(base.text, r), 'latin1');
      const run = await promisify(execFile)(process.execPath, [BIN, 'validate', '-f', 'fuzz.yaml'], { cwd: base.dir }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect([0, 2]).toContain(run.code);
      expect(run.stderr).not.toMatch(STACK);
      expect(run.code === 0 ? run.stdout : run.stderr).toMatch(run.code === 0 ? /^ok: / : /:\d+:\d+: /);
    }
  });
});
