// The config's schema validator that `npm run build` compiles ahead of time (schema/compile-validators.mjs), beside
// this module in dist/. The CLI bundle replaces this module with one that imports that file directly, so the bundle
// carries it (scripts/bundle.mjs): keep the file name and the export in step with it.

/** The file the build writes the ahead-of-time validator to, beside this module. */
export const PRECOMPILED_VALIDATOR = 'schema-validator.compiled.js';

/** The precompiled validator (its default export), or undefined where there is none (tests run from src/). */
export function loadPrecompiledValidator(): Promise<unknown> {
  return import(/* @vite-ignore */ new URL(PRECOMPILED_VALIDATOR, import.meta.url).href).then(
    (module: { default: unknown }) => module.default,
    () => undefined,
  );
}
