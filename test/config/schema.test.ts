// The JSON schema (schema/compute.schema.json): valid for editors, compiled strictly, and documented throughout.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SCHEMA_URL } from '../../src/config/schema.js';
import { suggest } from '../../src/config/suggest.js';

type Schema = { [key: string]: unknown; properties?: Record<string, Schema>; definitions?: Record<string, Schema>; $ref?: string; description?: string };
const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Schema;

function resolveRef(node: Schema): Schema {
  const name = node.$ref?.replace('#/definitions/', '');
  return name ? (schema.definitions?.[name] ?? {}) : node;
}

// Every `properties` entry anywhere, with its path.
function properties(node: unknown, path: string, out: [string, Schema][] = []): [string, Schema][] {
  if (typeof node !== 'object' || node === null) return out;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties' && typeof child === 'object' && child) {
      for (const [name, prop] of Object.entries(child as Record<string, Schema>)) out.push([`${path}.${name}`, prop]);
    }
    properties(child, `${path}/${key}`, out);
  }
  return out;
}

describe('schema/compute.schema.json', () => {
  it('compiles with ajv in strict mode (draft-07)', () => {
    const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
    ajv.addVocabulary(['errorMessage']);
    expect(() => ajv.compile(schema)).not.toThrow();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('describes every property (directly or through the definition it refers to)', () => {
    const props = properties(schema, '#');
    expect(props.length).toBeGreaterThan(50);
    const undocumented = props.filter(([, prop]) => !prop.description && !resolveRef(prop).description).map(([path]) => path);
    expect(undocumented).toEqual([]);
  });

  it('has every field of DESIGN.md §1 and §3', () => {
    const defs = schema.definitions ?? {};
    expect(Object.keys(schema.properties ?? {})).toEqual(['name', 'sandbox', 'overlays', 'servers', 'services', 'include']);
    expect(Object.keys(defs.sandbox?.properties ?? {})).toEqual(['provider', 'name', 'namespace', 'root', 'timeout_ms', 'envs', 'metadata', 'headers', 'options', 'create']);
    expect(Object.keys(defs.overlay?.properties ?? {})).toEqual(['id', 'source', 'target', 'strategy', 'ignore', 'on_change']);
    expect(Object.keys(defs.server?.properties ?? {})).toEqual(
      expect.arrayContaining(['install', 'start', 'path', 'port', 'strict_port', 'environment', 'env_file', 'restart_policy', 'max_restarts', 'restart_delay_ms', 'stop_timeout_ms', 'health_check', 'overlay', 'needs']),
    );
    expect(Object.keys(defs.service?.properties ?? {})).toEqual(
      expect.arrayContaining(['cmd', 'args', 'env', 'env_file', 'working_dir', 'user', 'health_port', 'health_check', 'needs', 'restart_policy', 'max_restarts', 'restart_delay_ms', 'stop_timeout_ms']),
    );
    expect(Object.keys(defs.healthCheck?.properties ?? {})).toEqual(['path', 'port', 'log', 'exec', 'interval_ms', 'timeout_ms', 'delay_ms', 'failure_threshold', 'on_unhealthy']);
    expect(Object.keys(defs.need?.properties ?? {})).toEqual(['condition', 'restart']);
  });
});

describe('suggest', () => {
  it.each([
    ['restart_polcy', ['restart_policy', 'start'], 'restart_policy'],
    ['restart-policy', ['restart_policy'], 'restart_policy'],
    ['Start', ['start', 'path'], 'start'],
    ['strat', ['start', 'path'], 'start'],
    ['depends_on', ['needs', 'start'], 'needs'],
    ['command', ['cmd', 'args'], 'cmd'],
    ['command', ['start', 'cmd'], 'start'],
    ['colour', ['start', 'path', 'port'], undefined],
    ['xy', ['ab'], undefined],
    ['constructor', ['start'], undefined],
  ])('%s among %j → %s', (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });
});
