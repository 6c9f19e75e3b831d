// Finding the compose files: the ones named with -f, or ./compute.yaml (then ./compute.yml) with the override file
// beside it, as compose merges compose.override.yaml.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The default compose file names, in the order they are looked for. */
export const DEFAULT_FILES = ['compute.yaml', 'compute.yml'] as const;

/** The override file names: the first found beside the default file is merged over it when no -f is given. */
export const OVERRIDE_FILES = ['compute.override.yaml', 'compute.override.yml'] as const;

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

/**
 * Absolute paths of the compose files to load, in merge order; throws ComposeFileError when one is missing.
 * With no -f: the default file, then the override file beside it when there is one (exactly a second -f).
 */
export function resolveComposeFiles(files: readonly string[], cwd: string): string[] {
  if (files.length === 0) {
    for (const name of DEFAULT_FILES) {
      const path = resolve(cwd, name);
      if (existsSync(path)) return [path, ...overrideFile(path)];
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

// The override file beside a default file, when one exists.
function overrideFile(defaultFile: string): string[] {
  const found = OVERRIDE_FILES.map((name) => resolve(dirname(defaultFile), name)).find((path) => existsSync(path));
  return found === undefined ? [] : [found];
}

/**
 * The override file that `up --watch` watches for when none exists yet (creating it is a change to apply): only
 * when no -f was given, as only then would it be merged.
 */
export function overrideToWatch(files: readonly string[], resolved: readonly string[]): string[] {
  if (files.length > 0 || resolved.length !== 1) return [];
  return [resolve(dirname(resolved[0] as string), OVERRIDE_FILES[0])];
}
