// The single-file bundles, built by `npm run build` from the modules tsc wrote to dist/ (after the ahead-of-time
// validators are compiled beside them): dist/compute.mjs, the CLI that bin/compute.js runs, and dist/compute-daemon.mjs,
// the daemon, which needs nothing but node beside it (the SDK starts the local daemon with it; a remote sandbox gets
// this one file). Modules a command imports on demand stay lazy inside a bundle: esbuild evaluates them at first use.
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
      const pick = constant === 'PRECOMPILED_VALIDATOR' ? '.then((m) => m.default)' : '';
      return {
        contents: `export const ${constant} = ${JSON.stringify(file)};\nexport function ${loader}() { return import(${JSON.stringify(`./${file}`)})${pick}; }\n`,
        resolveDir: dirname(path),
        loader: 'js',
      };
    });
  },
};

// The CommonJS packages inside (undici, pino, yaml, ajv) call require() for Node's own modules.
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

await Promise.all([
  build({ ...common, plugins: [precompiled, daemonCommand], entryPoints: [`${dist}cli/bin.js`], outfile: `${dist}compute.mjs` }),
  build({ ...common, plugins: [precompiled], entryPoints: [`${dist}cli/daemon-bin.js`], outfile: `${dist}compute-daemon.mjs` }),
]);
