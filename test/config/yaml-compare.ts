// Comparing the fast YAML reader (src/config/fast-yaml.ts) with the yaml package's path on one text: values, every
// position, errors and warnings, and the first pass without positions.
import { expect } from 'vitest';
import { fastRead } from '../../src/config/fast-yaml.js';
import { metaOf, type Value } from '../../src/config/located.js';
import { parseYaml } from '../../src/config/parse.js';
import { Diagnostics, Source } from '../../src/config/source.js';

/** The variables of every comparison. */
export const lookup = (name: string) => ({ HOST: 'example.com', PORT: '8080' })[name];

// A value with every position it carries, as plain data that toEqual can compare.
function withPositions(value: Value | undefined): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const meta = metaOf(value);
  const offsets = (map: Map<string | number, { offset: number }> | undefined) => [...(map ?? [])].map(([k, loc]) => [k, loc.offset]);
  const children = Array.isArray(value) ? value.map(withPositions) : Object.entries(value).map(([k, v]) => [k, withPositions(v)]);
  return { self: meta?.self.offset, keys: offsets(meta?.keys), values: offsets(meta?.values), children };
}

/** What parseYaml reads from `text` (through the fast reader or not): the value with its positions, the problems. */
export function read(text: string, fast: boolean) {
  const diags = new Diagnostics();
  const value = parseYaml(new Source('/x.yaml', text), lookup, diags, { fast });
  return { value: withPositions(value), errors: diags.errors, warnings: diags.warnings };
}

/** Whether the fast reader takes the text (what it reports is thrown away here). */
export function fastParse(text: string): boolean {
  return fastRead(new Source('/x.yaml', text), lookup, new Diagnostics()) !== undefined;
}

// The values alone, without positions.
function plain(value: Value | undefined): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Array.isArray(value) ? value.map(plain) : Object.entries(value).map(([k, v]) => [k, plain(v)]);
}

/** False when the fast reader gives up on `text`; else checks that it reads it exactly as the yaml package does. */
export function expectSame(text: string): boolean {
  if (!fastParse(text)) return false;
  const fast = read(text, true);
  expect({ text, ...fast }).toEqual({ text, ...read(text, false) });
  // The first pass of loadConfig reads without positions: the same values, and errors exactly when there are any.
  const diags = new Diagnostics();
  const quick = fastRead(new Source('/x.yaml', text), lookup, diags, false);
  expect(metaOf((quick ?? {}) as object)).toBeUndefined();
  expect({ text, value: plain(quick), failed: diags.errors.length > 0 || diags.unplaced }).toEqual({
    text,
    value: plain(parseYaml(new Source('/x.yaml', text), lookup, new Diagnostics())),
    failed: fast.errors.length > 0,
  });
  return true;
}
