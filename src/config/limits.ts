// The loader's limits on what a compose file may hold, so that any input is read or refused quickly and in bounded
// memory (issue 13): every limit is checked before the work it protects, and each error names its limit.

/**
 * The largest compose file read, in bytes. Bigger files are refused before they are read. 8 MiB: a project of
 * 10,000 units (the plan benchmark's) is about 2.3 MB, and 1 MiB refused it; the other limits bound the work.
 */
export const MAX_BYTES = 8 * 1024 * 1024;

/** How deep a document may nest; deeper values are an error (and would only come from a mistake or an attack). */
export const MAX_DEPTH = 64;

/** How many values a document may hold in all (the fast reader leaves anything bigger to the yaml package). */
export const MAX_VALUES = 2_000_000;

/**
 * How many values aliases (`*a`, `<<: *a`) may add to a document by expansion. A 1.4 KB "billion laughs" file of
 * merge keys expanded to 2,000,000 values took 5 s and 1 GB; 100,000 take about a quarter of a second, and are far
 * more than a file written by hand repeats (9,000 services each merging a 4-value default add 36,000).
 */
export const MAX_ALIAS_VALUES = 100_000;

// 1048576 → 1,048,576. Not toLocaleString: loading its locale data at start-up cost every command 7 MB of memory.
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The error for a file over MAX_BYTES. */
export function tooBigMessage(bytes: number): string {
  return `the file is ${grouped(bytes)} bytes; a compose file may be at most ${MAX_BYTES / 2 ** 20} MiB (${grouped(MAX_BYTES)} bytes)`;
}

/** The error for a value nested deeper than MAX_DEPTH. */
export const TOO_DEEP = `values are nested more than ${MAX_DEPTH} levels deep`;

/** The error at the alias whose expansion takes the document past MAX_ALIAS_VALUES. */
export const TOO_MANY_ALIASED = `aliases expand the document by more than ${grouped(MAX_ALIAS_VALUES)} values (the limit on aliases and \`<<\` merges)`;

/** The error for a file without a document, or whose document is `null` / `~`. */
export const EMPTY_FILE = 'the file is empty';
