// Every case under test/fixtures/convert/<format>/<case>/: its one input file converts to expected.yaml, the format
// is found from the file's name or content, and `compute validate` accepts the result.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { convert } from '../../src/convert/index.js';
import { captureIO } from '../config/helpers.js';

const ROOT = fileURLToPath(new URL('../fixtures/convert/', import.meta.url));
// Files a case may hold besides its input: the expected output and the env files it names.
const isSupport = (name: string) => name === 'expected.yaml' || name.startsWith('.env') || name.endsWith('.env');

const cases = readdirSync(ROOT).flatMap((format) =>
  readdirSync(join(ROOT, format)).map((name) => {
    const dir = join(ROOT, format, name);
    const inputs = readdirSync(dir).filter((file) => !isSupport(file));
    return { format, name, dir, inputs };
  }),
);

describe('compute convert fixtures', () => {
  it('has at least 10 cases for each format', () => {
    for (const format of ['compose', 'procfile', 'process-compose']) expect(cases.filter((c) => c.format === format).length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('$format/$name', async ({ format, dir, inputs }) => {
    expect(inputs).toHaveLength(1);
    const input = inputs[0] as string;
    const result = convert(readFileSync(join(dir, input), 'utf8'), input);
    expect(result.format).toBe(format);
    expect(result.yaml).toBe(readFileSync(join(dir, 'expected.yaml'), 'utf8'));
    const io = captureIO(dir);
    const code = await main(['validate', '-f', 'expected.yaml'], io);
    expect(io.err().split('\n').filter((line) => !line.includes('warning:') && line !== '')).toEqual([]);
    expect(code).toBe(0);
  });
});
