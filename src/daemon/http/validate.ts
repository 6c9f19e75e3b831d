// Request body validation with ajv: schemas compiled once (lazily, so the daemon answers before ajv has loaded),
// and a failure turned into one 400 message naming the field, e.g. `servers: "port" must be an integer between 1 and 65535`.
import type { ErrorObject } from 'ajv';
import { badRequest } from '../errors.js';
import {
  commandSchema,
  fileWriteSchema,
  folderSchema,
  overlayCreateSchema,
  overlaySyncSchema,
  serverStartSchema,
  serviceDefinitionSchema,
  unitBatchSchema,
  unitNamesSchema,
  type SchemaNode,
} from './schemas.js';
import { loadPrecompiledValidators } from './precompiled.js';

/** The request bodies that have a schema. */
export type BodyKind = 'server' | 'service' | 'units' | 'names' | 'overlay' | 'sync' | 'command' | 'file' | 'folder';

/** Each body kind's schema, and the name its 400 messages start with. */
export const BODIES: Record<BodyKind, { label: string; schema: object }> = {
  server: { label: 'servers', schema: serverStartSchema },
  service: { label: 'services', schema: serviceDefinitionSchema },
  units: { label: 'units', schema: unitBatchSchema },
  names: { label: 'units', schema: unitNamesSchema },
  overlay: { label: 'overlays', schema: overlayCreateSchema },
  sync: { label: 'overlays sync', schema: overlaySyncSchema },
  command: { label: 'run/command', schema: commandSchema },
  file: { label: 'files', schema: fileWriteSchema },
  folder: { label: 'files', schema: folderSchema },
};

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

let compiled: Promise<Record<BodyKind, Validator>> | undefined;

/** The options the schemas are compiled with: here, and ahead of time by schema/compile-validators.mjs. */
export const BODY_AJV_OPTIONS = { allErrors: false, discriminator: true, strict: true } as const;

export { PRECOMPILED_VALIDATORS } from './precompiled.js';

/**
 * Loads the validators, once: the build's ahead-of-time ones when present (the first request then does not wait
 * ~80 ms for ajv to load and compile), else ajv compiles every schema. Call it early to warm up, await it to validate.
 */
export function loadValidators(): Promise<Record<BodyKind, Validator>> {
  compiled ??= loadPrecompiledValidators().then(
    (module) => module as Record<BodyKind, Validator>,
    async () => {
      const { default: ajvModule } = await import('ajv');
      const ajv = new ajvModule.default(BODY_AJV_OPTIONS);
      const kinds = Object.keys(BODIES) as BodyKind[];
      return Object.fromEntries(kinds.map((kind) => [kind, ajv.compile(BODIES[kind].schema) as Validator])) as Record<BodyKind, Validator>;
    },
  );
  return compiled;
}

/** Checks a parsed request body against its schema; throws a 400 DaemonError naming the first bad field. */
export async function validateBody<T>(kind: BodyKind, body: unknown): Promise<T> {
  const validate = (await loadValidators())[kind];
  if (validate(body)) return body as T;
  const { label, schema } = BODIES[kind];
  throw badRequest(`${label}: ${formatErrors(schema as SchemaNode, validate.errors ?? [])}`);
}

/** Turns ajv's errors into one sentence about the most specific one (the deepest field; the first on a tie). */
export function formatErrors(schema: SchemaNode, errors: readonly ErrorObject[]): string {
  const error = errors.reduce<ErrorObject | undefined>(
    (best, e) => (best === undefined || segments(e.instancePath).length > segments(best.instancePath).length ? e : best),
    undefined,
  );
  if (!error) return 'the request body is invalid';
  const path = segments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  // A bad key of a map (propertyNames) is reported on the map, with the key in params or on the error itself.
  const badKey = params.propertyName ?? (error as { propertyName?: unknown }).propertyName;
  if (badKey !== undefined) {
    return `"${fieldName(path)}" has an invalid key "${String(badKey)}": it must be ${describe(schemaAt(schema, [...path, '*']))}`;
  }
  switch (error.keyword) {
    case 'required':
      return `"${fieldName([...path, String(params.missingProperty)])}" is required`;
    case 'additionalProperties':
      return `unknown field "${fieldName([...path, String(params.additionalProperty)])}"`;
    case 'discriminator':
      return `"${fieldName([...path, String(params.tag)])}" must be ${describe(schemaAt(schema, [...path, String(params.tag)]))}`;
  }
  if (path.length === 0) return 'the request body must be a JSON object';
  return `"${fieldName(path)}" must be ${describe(schemaAt(schema, path))}`;
}

function segments(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

// `units[0].healthCheck.path`: list indexes in brackets, as a user reads them.
function fieldName(path: string[]): string {
  return path.reduce((name, seg) => (/^\d+$/.test(seg) ? `${name}[${seg}]` : name ? `${name}.${seg}` : seg), '');
}

/** The schema that describes the value at `path` (`*` stands for any key of a map). */
export function schemaAt(root: SchemaNode, path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    node = child(node, seg);
  }
  return node;
}

// `*` stands for a key of a map, so that a bad key is described by the map's propertyNames.
function child(node: SchemaNode, seg: string): SchemaNode | undefined {
  const direct =
    seg === '*'
      ? node.propertyNames
      : (node.properties?.[seg] ??
        (/^\d+$/.test(seg) ? node.items : undefined) ??
        (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined));
  if (direct) return direct;
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
    const found = child(branch, seg);
    if (found) return found;
  }
  return undefined;
}

/** What a schema accepts, in words: "an integer between 1 and 65535", "one of never, on-failure, always". */
export function describe(node: SchemaNode | undefined): string {
  if (!node) return 'valid';
  if (node.description) return node.description;
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return `one of ${node.enum.map(String).join(', ')}`;
  switch (node.type) {
    case 'integer':
      if (node.minimum !== undefined && node.maximum !== undefined) return `an integer between ${node.minimum} and ${node.maximum}`;
      if (node.minimum === 0) return 'a non-negative integer';
      return node.minimum === undefined ? 'an integer' : `an integer of at least ${node.minimum}`;
    case 'string':
      return node.minLength ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return node.items?.type === 'string' ? `a${node.minItems ? ' non-empty' : ''} list of strings` : 'a list';
    case 'object':
      return typeof node.additionalProperties === 'object' && node.additionalProperties.type === 'string'
        ? 'a map of strings'
        : 'an object';
    default:
      return 'valid';
  }
}
