// What the normalising steps share: the merged document (to point at its nodes), the diagnostics, and the inputs read.
import { dirname, relative } from 'node:path';
import type { EnvFile } from './env-files.js';
import { locate, locateNode, metaOf, type Value } from './located.js';
import { NO_POSITION, type Diagnostics, type Loc } from './source.js';

/** The state of one normalisation pass over a merged, schema-checked document. */
export interface Context {
  doc: Value;
  diags: Diagnostics;
  /** Paths (keys joined by `/`) at or above a schema error; those parts are not normalised. */
  failed: Set<string>;
  envFiles: Map<string, EnvFile>;
  /** False: units get no restart hash (LoadOptions.restartHashes). */
  restartHashes?: boolean;
}

/** Where the node at `keys` was written (objects at their key, scalars at their value); the file's start if unknown. */
export function at(ctx: Context, keys: readonly (string | number)[]): Loc {
  return locateNode(ctx.doc, keys) ?? rootLoc(ctx);
}

/** Where the key at the end of `keys` was written. */
export function atKey(ctx: Context, keys: readonly (string | number)[]): Loc {
  return locate(ctx.doc, keys, 'key') ?? rootLoc(ctx);
}

// A document read without positions has none to give: NO_POSITION makes loadConfig read it again with them.
function rootLoc(ctx: Context): Loc {
  const meta = typeof ctx.doc === 'object' && ctx.doc !== null ? metaOf(ctx.doc) : undefined;
  return meta ? meta.self : NO_POSITION;
}

/** True when a schema error was found at or under `keys`. */
export function failedAt(ctx: Context, keys: readonly (string | number)[]): boolean {
  return ctx.failed.has(keys.join('/'));
}

/** A host path as the file that wrote it would name it (relative to its folder), for messages. */
export function shownPath(path: string, loc: Loc): string {
  const rel = relative(dirname(loc.source.path), path);
  return rel === '' ? '.' : rel;
}

/** Turns an env-like value (string, number, boolean) into the string a process sees. */
export function envString(value: Value | undefined): string {
  return typeof value === 'string' ? value : String(value);
}

/** A record built from entries, safe for any key (`__proto__` included) because it defines rather than assigns. */
export function record<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries(entries) as Record<string, T>;
}
