// Compiles the JSON schemas with ajv ahead of time, into dist/ (run by `npm run build`, after tsc): the CLI and the
// daemon then load small generated validators instead of loading ajv and compiling at run time. The options and
// schemas come from the built modules themselves, so the two ways of compiling cannot drift apart.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const standaloneCode = standalone.default;
// ajv's ESM output still calls require() for its runtime helpers (equal, ucs2length): esbuild bundles them in, so each
// generated file is one module that imports nothing, the same under Node, vitest and inside the bundles.
async function asModule(code) {
  const result = await build({ stdin: { contents: code, resolveDir: fileURLToPath(dist), loader: 'js' }, bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'warning' });
  return result.outputFiles[0].text;
}

const config = await import(new URL('config/schema.js', dist).href);
const configAjv = config.prepareConfigAjv(new Ajv({ ...config.CONFIG_AJV_OPTIONS, code: { source: true, esm: true } }));
const schema = JSON.parse(await readFile(config.SCHEMA_URL, 'utf8'));
const configCode = standaloneCode(configAjv, configAjv.compile(schema));
writeFileSync(new URL(`config/${config.PRECOMPILED_VALIDATOR}`, dist), await asModule(configCode));

const bodies = await import(new URL('daemon/http/validate.js', dist).href);
const bodyAjv = new Ajv({ ...bodies.BODY_AJV_OPTIONS, code: { source: true, esm: true } });
const exports = {};
for (const [kind, { schema: bodySchema }] of Object.entries(bodies.BODIES)) {
  bodyAjv.addSchema(bodySchema, kind);
  exports[kind] = kind;
}
writeFileSync(new URL(`daemon/http/${bodies.PRECOMPILED_VALIDATORS}`, dist), await asModule(standaloneCode(bodyAjv, exports)));
