// Loading the CLI bundle (dist/compute.cjs) with a V8 code cache. Node 20 keeps no compile cache for ES modules, so
// the CLI is bundled as CommonJS and compiled here as Node's own loader would (the same function wrapper), with the
// cache the build wrote beside it (scripts/code-cache.mjs). V8 rejects a cache made by another Node version or with
// other flags, and the bundle then compiles as it would without one. This file is CommonJS too (bin/package.json): a
// CommonJS entry spares Node setting up its ES module loader. Measured in docs/BENCHMARKS.md (issue 14).
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

/** The CLI bundle that `npm run build` writes. */
const CLI_BUNDLE = join(__dirname, '..', 'dist', 'compute.cjs');
/** Its code cache, written by the build. */
const CLI_CODE_CACHE = `${CLI_BUNDLE}.cache`;

/** Compiles and runs the bundle: its exports, and `writeCache()`, which saves the code V8 has compiled for it so far. */
function loadCli() {
  const source = readFileSync(CLI_BUNDLE, 'utf8');
  // __bundleUrl is what the bundle has for import.meta.url (scripts/bundle.mjs defines it); __computeImport is a real
  // import() for modules outside it (src/util/import-outside.ts).
  const wrapper = `(function (exports, require, module, __filename, __dirname, __bundleUrl, __computeImport) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: CLI_BUNDLE, cachedData: readCache() });
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, createRequire(CLI_BUNDLE), bundle, CLI_BUNDLE, dirname(CLI_BUNDLE), pathToFileURL(CLI_BUNDLE).href, importOutside);
  return { exports: bundle.exports, writeCache: () => writeFileSync(CLI_CODE_CACHE, script.createCachedData()) };
}

// Node's own import(), from this CommonJS module (whose import() Node's loader set up).
function importOutside(specifier) {
  return import(specifier);
}

function readCache() {
  try {
    return readFileSync(CLI_CODE_CACHE);
  } catch {
    return undefined;
  }
}

module.exports = { CLI_BUNDLE, CLI_CODE_CACHE, loadCli };
