// Compiles the JSON schemas with ajv ahead of time, into dist/ (run by `npm run build`, after tsc): the CLI and the
// daemon then load small generated validators instead of loading ajv and compiling at run time. The options and
// schemas come from the built modules themselves, so the two ways of compiling cannot drift apart.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';

const dist = new URL('../dist/', import.meta.url);
const standaloneCode = standalone.default;
// ajv's ESM output still calls require() for its runtime helpers (equal, ucs2length).
const PRELUDE = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n";

const config = await import(new URL('config/schema.js', dist).href);
const configAjv = config.prepareConfigAjv(new Ajv({ ...config.CONFIG_AJV_OPTIONS, code: { source: true, esm: true } }));
const schema = JSON.parse(await readFile(config.SCHEMA_URL, 'utf8'));
const configCode = standaloneCode(configAjv, configAjv.compile(schema));
writeFileSync(new URL(`config/${config.PRECOMPILED_VALIDATOR}`, dist), PRELUDE + configCode);

const bodies = await import(new URL('daemon/http/validate.js', dist).href);
const bodyAjv = new Ajv({ ...bodies.BODY_AJV_OPTIONS, code: { source: true, esm: true } });
const exports = {};
for (const [kind, { schema: bodySchema }] of Object.entries(bodies.BODIES)) {
  bodyAjv.addSchema(bodySchema, kind);
  exports[kind] = kind;
}
writeFileSync(new URL(`daemon/http/${bodies.PRECOMPILED_VALIDATORS}`, dist), PRELUDE + standaloneCode(bodyAjv, exports));
