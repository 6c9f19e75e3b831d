// The single-file bundles, built by `npm run build` from the modules tsc wrote to dist/ (after the ahead-of-time
// validators are compiled beside them): dist/compute.cjs, the CLI that bin/compute.js runs with a V8 code cache
// (CommonJS: Node 20 caches compiled code only for a script it is handed, see bin/load-bundle.js);
// dist/compute-daemon.mjs, the daemon as one file that needs nothing but node beside it (a remote sandbox gets it);
// and dist/compute-daemon.cjs, the same daemon as the SDK starts it here (bin/compute-daemon.js, with its cache).
// Modules a command loads on demand stay lazy inside a bundle: esbuild evaluates them at first use.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

// Each precompiled.js loads its validators by URL at run time, from beside itself; in a bundle there is no such file
// beside it, so the module is replaced with one that imports the file by name, and the bundle carries the validators.
const precompiled = {
  name: 'precompiled-validators',
  setup(context) {
    context.onLoad({ filter: /[\\/]dist[\\/](config|daemon[\\/]http)[\\/]precompiled\.js$/ }, async ({ path }) => {
      const module = await import(path);
      const [constant, loader] = 'PRECOMPILED_VALIDATOR' in module ? ['PRECOMPILED_VALIDATOR', 'loadPrecompiledValidator'] : ['PRECOMPILED_VALIDATORS', 'loadPrecompiledValidators'];
      const file = module[constant];
      // The config's loader is synchronous (a require), the daemon's bodies' asynchronous (an import), as in src/.
      const load = constant === 'PRECOMPILED_VALIDATOR' ? `require(${JSON.stringify(`./${file}`)}).default` : `import(${JSON.stringify(`./${file}`)})`;
      return {
        contents: `export const ${constant} = ${JSON.stringify(file)};\nexport function ${loader}() { return ${load}; }\n`,
        resolveDir: dirname(path),
        loader: 'js',
      };
    });
  },
};

// The CommonJS packages inside the ESM bundle (undici, pino, yaml, ajv) call require() for Node's own modules.
const banner = { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" };

// `compute daemon` runs the daemon bundle's own `run` (it reports its own errors, so no error class crosses over),
// which keeps the daemon's code, execa and pino out of the CLI bundle that every command parses.
const daemonCommand = {
  name: 'daemon-command',
  setup(context) {
    context.onResolve({ filter: /[\\/]commands[\\/]daemon\.js$/ }, () => ({ path: './compute-daemon.mjs', external: true }));
  },
};
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, sourcemap: true, minify: true, keepNames: true, legalComments: 'linked', logLevel: 'warning' };

// The bundles bin/load-bundle.js runs (the CLI, the local daemon): import.meta.url is the loader's `__bundleUrl`, and
// import() becomes require() (of a bundled module, or of the daemon bundle: Node 20.19 requires an ES module that has
// no top-level await).
const commonjs = { ...common, format: 'cjs', banner: undefined, define: { 'import.meta.url': '__bundleUrl' }, supported: { 'dynamic-import': false } };

await Promise.all([
  build({ ...commonjs, plugins: [precompiled, daemonCommand], entryPoints: [`${dist}cli/main.js`], outfile: `${dist}compute.cjs` }),
  build({ ...common, plugins: [precompiled], entryPoints: [`${dist}cli/daemon-bin.js`], outfile: `${dist}compute-daemon.mjs` }),
  // The same daemon as CommonJS, for this machine: bin/compute-daemon.js runs it with its code cache.
  build({ ...commonjs, plugins: [precompiled], entryPoints: [`${dist}cli/daemon-bin.js`], outfile: `${dist}compute-daemon.cjs` }),
]);
// Made from the new bundles, in a process of its own (it runs commands and a daemon); a stale cache would only be
// rejected.
execFileSync(process.execPath, [fileURLToPath(new URL('./code-cache.mjs', import.meta.url))], { stdio: 'inherit' });
