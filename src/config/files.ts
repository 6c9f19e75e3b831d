// Finding the compose files: the ones named with -f, or ./compute.yaml, then ./compute.yml.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The default compose file names, in the order they are looked for. */
export const DEFAULT_FILES = ['compute.yaml', 'compute.yml'] as const;

/** No compose file to load: none was named and there is no default one, or a named one does not exist. */
export class ComposeFileError extends Error {
  constructor(
    message: string,
    /** The file the error is about (the first missing one, or the default name looked for). */
    readonly path: string,
  ) {
    super(message);
    this.name = 'ComposeFileError';
  }
}

/** Absolute paths of the compose files to load, in merge order; throws ComposeFileError when one is missing. */
export function resolveComposeFiles(files: readonly string[], cwd: string): string[] {
  if (files.length === 0) {
    for (const name of DEFAULT_FILES) {
      const path = resolve(cwd, name);
      if (existsSync(path)) return [path];
    }
    throw new ComposeFileError(`no ${DEFAULT_FILES.join(' or ')} in ${cwd} (name a file with -f FILE)`, resolve(cwd, DEFAULT_FILES[0]));
  }
  const paths = files.map((file) => resolve(cwd, file));
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    const shown = missing.map((_, i) => files[paths.indexOf(missing[i] as string)]).join(', ');
    throw new ComposeFileError(`no such file: ${shown}`, missing[0] as string);
  }
  return paths;
}
