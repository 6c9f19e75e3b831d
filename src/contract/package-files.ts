// Files shipped with the package (package.json, schema/, bin/, dist/), found from any module: the built modules in
// dist/<part>/, the sources in src/<part>/ and the single-file bundles in dist/ all sit at a different depth, so a fixed
// `new URL('../../x', import.meta.url)` would be right in one layout and wrong in the others.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let root: URL | undefined;

/** The folder of this package: the nearest one above this module that holds a package.json. */
export function packageRoot(): URL {
  if (root) return root;
  let dir = new URL('./', import.meta.url);
  for (;;) {
    if (existsSync(fileURLToPath(new URL('package.json', dir)))) return (root = dir);
    const parent = new URL('../', dir);
    if (parent.href === dir.href) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The URL of a file of the package, e.g. `packageFile('schema/compute.schema.json')`. */
export function packageFile(path: string): URL {
  return new URL(path, packageRoot());
}
