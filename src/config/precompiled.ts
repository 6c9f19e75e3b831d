// The config's schema validator that `npm run build` compiles ahead of time (schema/compile-validators.mjs), beside
// this module in dist/. The CLI bundle replaces this module with one that requires that file directly, so the bundle
// carries it (scripts/bundle.mjs): keep the file name and the export in step with it. Loaded synchronously (Node 20.19
// requires an ES module without top-level await), so that no module of the CLI needs a top-level await.
import { createRequire } from 'node:module';

/** The file the build writes the ahead-of-time validator to, beside this module. */
export const PRECOMPILED_VALIDATOR = 'schema-validator.compiled.js';

/** The precompiled validator (its default export), or undefined where there is none (tests run from src/). */
export function loadPrecompiledValidator(): unknown {
  try {
    return (createRequire(import.meta.url)(`./${PRECOMPILED_VALIDATOR}`) as { default: unknown }).default;
  } catch {
    return undefined;
  }
}
