// The restart hash: it changes exactly when a running unit must be replaced (src/contract/hash.ts), end to end
// through loadConfig, and field by field on the pure function.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { UNIT_FIELDS } from '../../src/contract/fields.js';
import { restartHash } from '../../src/contract/hash.js';
import type { UnitSpec } from '../../src/contract/unit.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFiles } from '../config/helpers.js';
import { unitSpec } from '../helpers/unit-spec.js';

const BASE = `# the api server
servers:
  api:
    start: node api.js
    path: /app
    port: 3000
    env_file: api.env
    environment: { A: "1", B: "2" }
    restart_policy: on-failure
    health_check: { path: /health }
    needs: [db]
services:
  db:
    cmd: postgres
`;

async function hashes(dir: string, text: string): Promise<Record<string, string>> {
  writeFileSync(join(dir, 'compute.yaml'), text);
  const result = await loadConfig({ files: [], cwd: dir, env: {} });
  expect(result.errors).toEqual([]);
  return Object.fromEntries(Object.entries(result.spec?.units ?? {}).map(([name, unit]) => [name, unit.hash]));
}

describe('restart hash through loadConfig', () => {
  it.each([
    ['a comment is added', (t: string) => `# new comment\n${t.replace('port: 3000', 'port: 3000 # the port')}`],
    ['keys are reordered', (t: string) => t.replace('    path: /app\n    port: 3000\n', '    port: 3000\n    path: /app\n')],
    ['env keys are reordered', (t: string) => t.replace('{ A: "1", B: "2" }', '{ B: "2", A: "1" }')],
    ['flow style becomes block style', (t: string) => t.replace('environment: { A: "1", B: "2" }', 'environment:\n      A: "1"\n      B: "2"')],
    ['a number is written as a string in env', (t: string) => t.replace('A: "1"', 'A: 1')],
    ['the restart policy changes', (t: string) => t.replace('on-failure', 'always')],
    ['the health check changes', (t: string) => t.replace('/health', '/ready')],
    ['needs change', (t: string) => t.replace('needs: [db]', 'needs: { db: { condition: started } }')],
    ['a description is added', (t: string) => t.replace('    start: node api.js', '    description: the API\n    start: node api.js')],
    ['an x- extension is added', (t: string) => `x-note: hi\n${t}`],
    ['the path is written differently but means the same', (t: string) => t.replace('path: /app', 'path: app/')],
  ])('stays the same when %s', async (_, edit) => {
    const dir = writeFiles(tempDir(), { 'api.env': 'SECRET=1\n' });
    const before = await hashes(dir, BASE);
    expect(await hashes(dir, edit(BASE))).toEqual(before);
  });

  it.each([
    ['the start command changes', (t: string) => t.replace('node api.js', 'node api.js --verbose')],
    ['the port changes', (t: string) => t.replace('3000', '3001')],
    ['an env value changes', (t: string) => t.replace('B: "2"', 'B: "3"')],
    ['the path changes', (t: string) => t.replace('path: /app', 'path: /srv')],
    ['strict_port is set', (t: string) => t.replace('    port: 3000\n', '    port: 3000\n    strict_port: true\n')],
    ['an install step is added', (t: string) => t.replace('    start:', '    install: npm ci\n    start:')],
  ])('changes for that unit only when %s', async (_, edit) => {
    const dir = writeFiles(tempDir(), { 'api.env': 'SECRET=1\n' });
    const before = await hashes(dir, BASE);
    const after = await hashes(dir, edit(BASE));
    expect(after.api).not.toBe(before.api);
    expect(after.db).toBe(before.db);
  });

  it('changes when the content of the env_file changes, though the compose file does not', async () => {
    const dir = writeFiles(tempDir(), { 'api.env': 'SECRET=1\n' });
    const before = await hashes(dir, BASE);
    writeFiles(dir, { 'api.env': 'SECRET=2\n' });
    const after = await hashes(dir, BASE);
    expect(after.api).not.toBe(before.api);
    writeFiles(dir, { 'api.env': '# same variables, other comments\nSECRET=1\n' });
    expect(await hashes(dir, BASE)).toEqual(before);
  });

  it('changes when an interpolated variable changes', async () => {
    const dir = writeFiles(tempDir(), { 'api.env': '' });
    const text = BASE.replace('node api.js', 'node api.js --mode ${MODE}');
    writeFiles(dir, { '.env': 'MODE=dev\n' });
    const dev = await hashes(dir, text);
    writeFiles(dir, { '.env': 'MODE=prod\n' });
    expect((await hashes(dir, text)).api).not.toBe(dev.api);
  });
});

describe('restartHash', () => {
  const unit = unitSpec('api', { env: { A: '1' } });
  type RestartField = { [K in keyof typeof UNIT_FIELDS]: (typeof UNIT_FIELDS)[K]['apply'] extends 'restart' ? K : never }[keyof typeof UNIT_FIELDS];
  const restartFields = (Object.keys(UNIT_FIELDS) as (keyof typeof UNIT_FIELDS)[]).filter((key) => UNIT_FIELDS[key].apply === 'restart');
  // Exhaustive over the fields declared `restart`: a new one does not compile until it has a case here.
  const changed: Record<RestartField, Partial<UnitSpec>> = {
    kind: { kind: 'service' },
    command: { command: ['node', 'api.js'] },
    install: { install: 'npm ci' },
    cwd: { cwd: '/' },
    port: { port: 80 },
    strictPort: { strictPort: true },
    env: { env: { A: '2' } },
    envFile: { envFile: '/app/.env' },
    user: { user: 'nobody' },
  };

  it.each(restartFields)('changes with %s', (field) => {
    expect(restartHash({ ...unit, ...changed[field as RestartField] })).not.toBe(restartHash(unit));
  });

  it('changes with a field that has no declaration (a new field fails safe: it restarts)', () => {
    expect(restartHash({ ...unit, futureField: 1 } as UnitSpec)).not.toBe(restartHash(unit));
  });

  it('ignores the hash field itself and absent-vs-undefined', () => {
    expect(restartHash({ ...unit, hash: 'other' })).toBe(restartHash(unit));
    expect(restartHash({ ...unit, install: undefined })).toBe(restartHash(unit));
  });

  it.each<[string, Partial<UnitSpec>]>([
    ['the name', { name: 'other' }],
    ['the restart policy', { restartPolicy: 'always', maxRestarts: 3, restartDelayMs: 5 }],
    ['the stop timeout', { stopTimeoutMs: 1 }],
    ['the health check', { healthCheck: { type: 'tcp', port: 1, intervalMs: 1, timeoutMs: 1, delayMs: 1 } }],
    ['needs, overlays and labels', { needs: { db: { condition: 'healthy', restart: true } }, overlays: ['app'], labels: { a: 'b' } }],
  ])('does not change with %s', (_, change) => {
    expect(restartHash({ ...unit, ...change })).toBe(restartHash(unit));
  });

  it('is sha256 hex, and the same for the same fields in any key order', () => {
    expect(restartHash(unit)).toMatch(/^[0-9a-f]{64}$/);
    expect(restartHash({ ...unit, env: { B: '2', A: '1' } })).toBe(restartHash({ ...unit, env: { A: '1', B: '2' } }));
  });
});
