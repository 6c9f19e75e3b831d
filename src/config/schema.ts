// The shape check: schema/compute.schema.json, compiled once with ajv, with its errors turned into clear messages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { locate, locateNode, pointerKeys, type Value } from './located.js';
import { packageFile } from '../contract/package-files.js';
import { loadPrecompiledValidator } from './precompiled.js';
import type { Diagnostics, Loc } from './source.js';
import { didYouMean } from './suggest.js';

/** Where the JSON schema of compute.yaml is (shipped with the package, beside dist/ and src/). */
export const SCHEMA_URL = packageFile('schema/compute.schema.json');

/** The options the schema is compiled with: at first use here, and ahead of time by schema/compile-validators.mjs. */
export const CONFIG_AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true, strictRequired: false } as const;

/** Readies an Ajv instance for the schema: `errorMessage` is the message editors and we show for a failed pattern or `not`. */
export function prepareConfigAjv(ajv: Ajv): Ajv {
  ajv.addVocabulary(['errorMessage']);
  return ajv;
}

export { PRECOMPILED_VALIDATOR } from './precompiled.js';

// The validator compiled by the build, when there is one: it spares every command loading ajv and compiling the
// schema (88 ms → 13 ms measured). Tests run from src/, where there is none; then ajv compiles at first use.
let validator: ValidateFunction | undefined;

// Loaded or compiled at first use, not at import: commands that never validate should not pay for it.
function compiled(): ValidateFunction {
  validator ??= loadPrecompiledValidator() as ValidateFunction | undefined;
  if (!validator) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    const ajv = prepareConfigAjv(new AjvClass(CONFIG_AJV_OPTIONS));
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
  }
  return validator;
}

/**
 * Checks `doc` against the schema and reports every error at the node it is about (at `fallback` for a document
 * that is a bare scalar, which has no positions of its own). Returns the paths (keys joined
 * by `/`) of every node at or above an error, so that later checks can skip the parts that failed.
 */
export function checkSchema(doc: Value, diags: Diagnostics, fallback: Loc): Set<string> {
  const failed = new Set<string>();
  const validate = compiled();
  if (validate(doc)) return failed;
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'propertyNames') continue; // the inner error (with propertyName) says it better
    const keys = pointerKeys(error.instancePath);
    const { at, message } = describe(error, keys);
    const loc = at === 'key' ? locate(doc, [...keys, keyOf(error)], 'key') : locateNode(doc, keys);
    diags.error(loc ?? fallback, message);
    for (let i = 0; i <= keys.length; i++) failed.add(keys.slice(0, i).join('/'));
  }
  return failed;
}

function keyOf(error: ErrorObject): string {
  return error.propertyName ?? String((error.params as { additionalProperty?: string }).additionalProperty ?? '');
}

// Errors about a key (an unknown key, a bad name) point at the key; the others at the value.
function describe(error: ErrorObject, keys: string[]): { at: 'key' | 'value'; message: string } {
  const where = dotted(keys);
  const schema = (error.parentSchema ?? {}) as { errorMessage?: string; minimum?: number; maximum?: number; properties?: object };
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) {
    return { at: 'key', message: `${where ? `${where}: ` : ''}\`${error.propertyName}\` ${schema.errorMessage ?? 'is not a valid key'}` };
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const inside = where ? `in ${where}` : 'at the top level';
      return { at: 'key', message: `unknown key \`${key}\` ${inside}${didYouMean(key, Object.keys(schema.properties ?? {}))}` };
    }
    case 'required':
      return { at: 'value', message: `${where || 'the file'}: missing required key \`${String(params.missingProperty)}\`` };
    case 'type':
      return { at: 'value', message: `${where || 'the file'}: must be ${typeNames(params.type)}, got ${kindOf(error.data)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => `\`${String(v)}\``).join(', ');
      const hint = typeof error.data === 'string' ? didYouMean(error.data, (params.allowedValues as unknown[]).map(String)) : '';
      return { at: 'value', message: `${where}: must be one of ${allowed}, got ${shown(error.data)}${hint}` };
    }
    case 'minimum':
    case 'maximum':
      return { at: 'value', message: `${where}: ${range(schema)}, got ${shown(error.data)}` };
    case 'minLength':
      return { at: 'value', message: `${where}: must not be empty` };
    case 'pattern':
    case 'not':
      return { at: 'value', message: `${where}: ${error.keyword === 'pattern' ? `${shown(error.data)} ` : ''}${schema.errorMessage ?? error.message ?? 'is not valid'}` };
    case 'uniqueItems':
      return { at: 'value', message: `${where}: \`${String((error.data as unknown[])[Number(params.i)])}\` is listed more than once` };
    default:
      return { at: 'value', message: `${where}: ${error.message ?? 'is not valid'}` };
  }
}

/** `servers.api.needs[0]`: a path of keys as a person would write it. */
export function dotted(keys: readonly (string | number)[]): string {
  let out = '';
  for (const key of keys) out += /^\d+$/.test(String(key)) ? `[${key}]` : out ? `.${key}` : String(key);
  return out;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  null: 'empty',
};

function typeNames(type: unknown): string {
  const list = Array.isArray(type) ? type.map(String) : String(type).split(',');
  const types = list.map((t) => (list.length > 1 && t === 'boolean' ? 'a boolean' : (TYPE_NAMES[t] ?? t)));
  return types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types.at(-1)}` : (types[0] ?? 'valid');
}

function kindOf(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `a string (${shown(value)})`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'the number' : 'the fraction'} ${shown(value)}`;
  return `${typeof value} ${shown(value)}`;
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : String(value);
  return typeof value === 'string' ? text : `\`${text}\``;
}

function range(schema: { minimum?: number; maximum?: number }): string {
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}`;
  return min !== undefined ? `must be at least ${min}` : `must be at most ${max}`;
}
