// Loading a CommonJS bundle of dist/ with its V8 code cache: the CLI (dist/compute.cjs) and the local daemon
// (dist/compute-daemon.cjs). Node 20 keeps no compile cache for ES modules, so these bundles are CommonJS, compiled
// here as Node's own loader would (the same function wrapper), with the cache the build wrote beside each
// (scripts/code-cache.mjs). V8 rejects a cache made by another Node version or with other flags, and the bundle then
// compiles as it would without one. This file is CommonJS too (bin/package.json): a CommonJS entry spares Node setting
// up its ES module loader. Measured in docs/BENCHMARKS.md (issue 14).
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

/** The path of a bundle that `npm run build` writes: `compute` (the CLI) or `compute-daemon` (the local daemon). */
function bundlePath(name) {
  return join(__dirname, '..', 'dist', `${name}.cjs`);
}

/** Compiles and runs a bundle: its exports, and `writeCache()`, which saves the code V8 has compiled for it so far. */
function loadBundle(name) {
  const file = bundlePath(name);
  const cacheFile = `${file}.cache`;
  const source = readFileSync(file, 'utf8');
  // __bundleUrl is what the bundle has for import.meta.url (scripts/bundle.mjs defines it); __computeImport is a real
  // import() for modules outside it (src/util/import-outside.ts).
  const wrapper = `(function (exports, require, module, __filename, __dirname, __bundleUrl, __computeImport) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData: readCache(cacheFile) });
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, dirname(file), pathToFileURL(file).href, importOutside);
  return { exports: bundle.exports, writeCache: () => writeFileSync(cacheFile, script.createCachedData()) };
}

// Node's own import(), from this CommonJS module (whose import() Node's loader set up).
function importOutside(specifier) {
  return import(specifier);
}

function readCache(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

module.exports = { bundlePath, loadBundle };
