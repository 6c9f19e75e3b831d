// The request-body validators that `npm run build` compiles ahead of time (schema/compile-validators.mjs), beside this
// module in dist/. The bundles replace this module with one that imports that file directly, so that the daemon bundle
// carries them and runs with nothing beside it (scripts/bundle.mjs): keep the file name and the export in step with it.

/** The file the build writes the ahead-of-time validators to (one export per body kind), beside this module. */
export const PRECOMPILED_VALIDATORS = 'validators.compiled.js';

/** The module of precompiled validators; rejects where there is none (tests run from src/). */
export function loadPrecompiledValidators(): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ new URL(PRECOMPILED_VALIDATORS, import.meta.url).href) as Promise<Record<string, unknown>>;
}
