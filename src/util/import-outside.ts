// import() of a module outside the bundles: a provider module of the user's project, or a provider package from its
// node_modules. The CLI bundle runs inside a vm.Script (bin/load-bundle.js, for its code cache), where Node 20 has no
// import() without an experimental flag, and the build turns every import() in it into require(); so the loader hands
// the bundle a real import() as `__computeImport`. Outside the bundle (dist/ modules, tests) this is plain import().

declare const __computeImport: ((specifier: string) => Promise<unknown>) | undefined;

/** Imports an ES module (or CommonJS, as import() does) by URL, with Node's own loader. */
export function importOutside(url: string): Promise<Record<string, unknown>> {
  const load = typeof __computeImport === 'function' ? __computeImport : (specifier: string) => import(specifier) as Promise<unknown>;
  return load(url) as Promise<Record<string, unknown>>;
}
