// Types of docs/reference.mjs (a plain script, so that `npm run docs` needs no build), for the tests that import it.

/** A JSON Schema document, as far as the generator reads it. */
export type JsonSchema = Record<string, unknown>;

/** The markers around the generated section in README.md. */
export const BEGIN: string;
export const END: string;

/** Types named by their definition, where the JSON types alone would read badly. */
export const NAMED_TYPES: Record<string, string>;

/** A field's type in words. */
export function typeText(schema: JsonSchema, raw: JsonSchema): string;

/** Splits a description into the default it states and the meaning without that sentence. */
export function splitDefault(description: string): { defaultText: string; meaning: string };

/** Renders the reference: a table per object of the file, from the top level down, then the named types. */
export function renderReference(schema: JsonSchema): string;

/** Replaces the text between the markers with `section`; throws when the markers are missing. */
export function replaceSection(readme: string, section: string): string;
