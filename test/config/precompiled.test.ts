// The validators `npm run build` compiles ahead of time give exactly what ajv compiled at run time gives.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_AJV_OPTIONS, prepareConfigAjv, SCHEMA_URL } from '../../src/config/schema.js';
import { BODIES, BODY_AJV_OPTIONS, type BodyKind } from '../../src/daemon/http/validate.js';

const dist = new URL('../../dist/', import.meta.url);
const fixtures = join(import.meta.dirname, '../fixtures/config');

// Every compose file of the config fixtures, valid and invalid, as parsed values.
function fixtureDocuments(): Array<[string, unknown]> {
  const documents: Array<[string, unknown]> = [];
  for (const name of readdirSync(fixtures)) {
    for (const file of readdirSync(join(fixtures, name)).filter((f) => /\.ya?ml$/.test(f))) {
      try {
        documents.push([`${name}/${file}`, parse(readFileSync(join(fixtures, name, file), 'utf8'))]);
      } catch {
        // a fixture of bad YAML: nothing to validate
      }
    }
  }
  return documents;
}

describe('ahead-of-time validators', () => {
  it('the config schema gives the same verdict and errors on every fixture', async () => {
    const precompiled = ((await import(new URL('config/schema-validator.compiled.js', dist).href)) as { default: ValidateFunction }).default;
    const runtime = prepareConfigAjv(new Ajv(CONFIG_AJV_OPTIONS)).compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
    const documents = fixtureDocuments();
    expect(documents.length).toBeGreaterThan(40);
    for (const [name, document] of documents) {
      expect(precompiled(document), name).toBe(runtime(document));
      expect(precompiled.errors ?? null, name).toEqual(runtime.errors ?? null);
    }
  });

  it('the daemon request bodies give the same verdict and errors', async () => {
    const precompiled = (await import(new URL('daemon/http/validators.compiled.js', dist).href)) as Record<BodyKind, ValidateFunction>;
    const ajv = new Ajv(BODY_AJV_OPTIONS);
    const samples: unknown[] = [{}, { slug: 'api', start: 'node a.js', port: 70000 }, { names: ['a'] }, { units: [{}] }, { cmd: 5 }, { path: '/x', content: 'y' }, null, 'text'];
    for (const kind of Object.keys(BODIES) as BodyKind[]) {
      const runtime = ajv.compile(BODIES[kind].schema);
      for (const sample of samples) {
        expect(precompiled[kind](sample), `${kind} ${JSON.stringify(sample)}`).toBe(runtime(sample));
        expect(precompiled[kind].errors ?? null).toEqual(runtime.errors ?? null);
      }
    }
  });
});
