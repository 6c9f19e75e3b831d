// The field declarations (src/contract/fields.ts) and the schema editors read (schema/compute.schema.json) agree,
// field by field: names in both directions, the default each states, and the largest value each takes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitDefault } from '../../docs/reference.mjs';
import { PROBE_FIELDS, PROBE_POLICY_FIELDS, UNIT_FIELDS, type FieldDecl } from '../../src/contract/fields.js';
import type { UnitKind } from '../../src/contract/unit.js';

interface SchemaNode {
  $ref?: string;
  description?: string;
  maximum?: number;
  properties?: Record<string, SchemaNode>;
}

const schema = JSON.parse(readFileSync(new URL('../../schema/compute.schema.json', import.meta.url), 'utf8')) as {
  definitions: Record<string, SchemaNode>;
};

// A property with its $ref followed: the property's own description wins, as the reference generator reads it.
function resolved(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const target = resolved(schema.definitions[node.$ref.replace('#/definitions/', '')] as SchemaNode);
  return { ...target, ...node, description: node.description ?? target.description };
}

function properties(kind: UnitKind): Record<string, SchemaNode> {
  return schema.definitions[kind]?.properties ?? {};
}

const declared = Object.entries(UNIT_FIELDS) as [string, FieldDecl][];
// Keys of the file that are about the unit but no field of its spec: shown to people only (description), or read
// by config/ alone to choose the units (profiles) or to build them (extends, replicas: one unit of the file, N specs).
const NOT_A_FIELD = new Set(['description', 'profiles', 'extends', 'replicas']);

describe.each(['server', 'service'] as const)('the %s section', (kind) => {
  it('has a schema property for every YAML name the declarations give', () => {
    const names = declared.flatMap(([, decl]) => decl.yaml?.[kind] ?? []);
    expect(names.filter((name) => !(name in properties(kind)))).toEqual([]);
  });

  it('declares every property of the schema as (part of) a unit field', () => {
    const names = new Set(declared.flatMap(([, decl]) => decl.yaml?.[kind] ?? []));
    expect(Object.keys(properties(kind)).filter((name) => !names.has(name) && !NOT_A_FIELD.has(name))).toEqual([]);
  });

  it.each(declared.filter(([, decl]) => decl.yaml?.[kind] && decl.default !== undefined && typeof decl.default !== 'object'))(
    '%s: the schema states the declared default',
    (_, decl) => {
      const node = resolved(properties(kind)[decl.yaml?.[kind]?.[0] as string] as SchemaNode);
      expect(splitDefault(node.description ?? '').defaultText.replaceAll('`', '')).toBe(String(decl.default));
    },
  );

  it.each(declared.filter(([, decl]) => decl.yaml?.[kind] && 'maximum' in decl.schema))('%s: the same maximum in both', (_, decl) => {
    const node = resolved(properties(kind)[decl.yaml?.[kind]?.[0] as string] as SchemaNode);
    expect(node.maximum).toBe((decl.schema as SchemaNode).maximum);
  });
});

describe('health check timing', () => {
  const check = schema.definitions.healthCheck?.properties ?? {};
  it.each(Object.entries(PROBE_FIELDS))('%s: named, defaulted and bounded as declared', (_, decl) => {
    const node = resolved(check[decl.yaml] as SchemaNode);
    expect(splitDefault(node.description ?? '').defaultText).toBe(String(decl.default));
    expect(node.maximum).toBe(decl.schema.maximum);
  });

  it.each(Object.entries(PROBE_POLICY_FIELDS))('%s (liveness): named and defaulted as declared', (_, decl) => {
    const node = resolved(check[decl.yaml] as SchemaNode);
    expect(splitDefault(node.description ?? '').defaultText.replaceAll('`', '')).toBe(String(decl.default));
  });
});
