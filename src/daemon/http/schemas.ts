// JSON schemas of the request bodies. A `description` is the expectation shown in a 400 message
// ("\"port\" must be <description>"); fields without one are described from their type. The unit fields' schemas come
// from their declarations (contract/fields.ts), so a field is validated the same way in every body that carries it.
import { POLICY_FIELDS, PROBE_POLICY_FIELDS, unitSpecSchema, wireScalarSchemas } from '../../contract/fields.js';
import { MAX_MS, UNIT_NAME_SCHEMA as name } from '../../contract/spec-schema.js';

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const durationMs = { type: 'integer', minimum: 0, maximum: MAX_MS } as const;
const text = { type: 'string' } as const;
const command = { type: 'string', minLength: 1 } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const stringList = { type: 'array', items: { type: 'string' } } as const;
const needCondition = { enum: ['healthy', 'started', 'completed'] } as const;

/** A health check in snake_case: `path` (HTTP), `port` (TCP, or the HTTP port), `log` (regex) or `exec` (command). */
const wireHealthCheck = {
  type: 'object',
  properties: {
    path: { type: 'string', pattern: '^/', description: 'a URL path starting with "/"' },
    port,
    log: { type: 'string', minLength: 1 },
    exec: command,
    interval_ms: durationMs,
    timeout_ms: durationMs,
    delay_ms: durationMs,
    failure_threshold: PROBE_POLICY_FIELDS.failureThreshold.schema,
    on_unhealthy: PROBE_POLICY_FIELDS.onUnhealthy.schema,
  },
  additionalProperties: false,
} as const;

/** An overlay to create: the 2.x CreateOverlayOptions, plus our id, symlinkDirs and labels. Unknown fields are ignored. */
const overlayCreate = {
  type: 'object',
  required: ['source', 'target'],
  properties: {
    id: { type: 'string', minLength: 1 },
    source: { type: 'string', minLength: 1, description: 'an absolute host path' },
    target: text,
    strategy: { enum: ['copy', 'smart'] },
    ignore: stringList,
    symlinkDirs: stringList,
    labels: stringMap,
  },
} as const;

/** POST /filesystem/overlays. */
export const overlayCreateSchema = overlayCreate;

const syncPath = { type: 'string', minLength: 1 } as const;
const fileMode = { type: 'integer', minimum: 0, maximum: 0o7777 } as const;

/** POST /v1/overlays/:id/sync: the operations of contract/sync.ts, each shape exactly. */
export const overlaySyncSchema = {
  type: 'object',
  required: ['ops'],
  properties: {
    ops: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op', 'path'],
        properties: { op: { enum: ['mkdir', 'write', 'symlink', 'delete'] }, path: syncPath },
        discriminator: { propertyName: 'op' },
        oneOf: [
          { properties: { op: { const: 'mkdir' }, path: syncPath, mode: fileMode }, required: ['mode'], additionalProperties: false },
          {
            properties: { op: { const: 'write' }, path: syncPath, size: { type: 'integer', minimum: 0 }, mtimeMs: { type: 'number' }, mode: fileMode },
            required: ['size', 'mtimeMs', 'mode'],
            additionalProperties: false,
          },
          { properties: { op: { const: 'symlink' }, path: syncPath, text: { type: 'string' } }, required: ['text'], additionalProperties: false },
          { properties: { op: { const: 'delete' }, path: syncPath, kind: { enum: ['file', 'dir', 'link'] } }, required: ['kind'], additionalProperties: false },
        ],
      },
    },
  },
  additionalProperties: false,
} as const;

/** POST /servers (ComputeSDK 2.x ServerStartOptions). Unknown fields are ignored, as newer 2.x clients may send more. */
export const serverStartSchema = {
  type: 'object',
  required: ['slug', 'start'],
  properties: {
    slug: name,
    start: command,
    install: text,
    path: text,
    env_file: text,
    environment: stringMap,
    ...wireScalarSchemas('server', ['port', 'strictPort', ...POLICY_FIELDS]),
    autostart: { type: 'boolean' },
    depends_on: stringList,
    health_check: wireHealthCheck,
    overlay: overlayCreate,
    overlays: { type: 'array', items: overlayCreate },
  },
} as const;

/** PUT /v1/services/{name} (the seed services API). */
export const serviceDefinitionSchema = {
  type: 'object',
  required: ['cmd'],
  properties: {
    cmd: command,
    args: stringList,
    env: stringMap,
    env_file: text,
    working_dir: text,
    ...wireScalarSchemas('service', ['user']),
    health_port: port,
    health_check: wireHealthCheck,
    needs: {
      description: 'a list of unit names or a map of unit name to {condition, restart}',
      anyOf: [
        { type: 'array', items: name },
        {
          type: 'object',
          propertyNames: name,
          additionalProperties: {
            type: 'object',
            properties: { condition: needCondition, restart: { type: 'boolean' } },
            additionalProperties: false,
          },
        },
      ],
    },
    ...wireScalarSchemas('service', POLICY_FIELDS),
  },
  additionalProperties: false,
} as const;

/** POST /run/command (2.x fields; `timeout` in seconds). Unknown fields are ignored, as newer 2.x clients may send more. */
export const commandSchema = {
  type: 'object',
  required: ['command'],
  properties: {
    command,
    cwd: text,
    env: stringMap,
    background: { type: 'boolean' },
    // Node's timers take at most 2^31 − 1 ms; a larger timeout would fire at once.
    timeout: { type: 'number', exclusiveMinimum: 0, maximum: Math.floor(MAX_MS / 1000), description: `a number of seconds greater than 0 and at most ${Math.floor(MAX_MS / 1000)}` },
    shell: { type: 'string', minLength: 1 },
    stream: { type: 'boolean' },
  },
} as const;

const sandboxPath = { type: 'string', minLength: 1, description: 'a non-empty sandbox path' } as const;

/** POST /files: a UTF-8 file to write (2.x; content defaults to empty). */
export const fileWriteSchema = {
  type: 'object',
  required: ['path'],
  properties: { path: sandboxPath, content: text },
} as const;

/** POST /v1/files/mkdir: a folder to create with its parents. */
export const folderSchema = {
  type: 'object',
  required: ['path'],
  properties: { path: sandboxPath },
  additionalProperties: false,
} as const;

/** A UnitSpec (src/contract/unit.ts), as config/ produces it: its schema is built from the field declarations. */
const unitSpec = unitSpecSchema();

/** PUT /v1/units: a batch of unit specs. */
export const unitBatchSchema = {
  type: 'object',
  required: ['units'],
  properties: { units: { type: 'array', items: unitSpec }, replace: { type: 'array', items: name } },
  additionalProperties: false,
} as const;

/** POST /v1/units/start|stop|remove. */
export const unitNamesSchema = {
  type: 'object',
  required: ['names'],
  properties: { names: { type: 'array', items: name, minItems: 1 } },
  additionalProperties: false,
} as const;

/** The shape every schema above has, for walking them when a message is built. */
export interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  propertyNames?: SchemaNode;
  anyOf?: readonly SchemaNode[];
  oneOf?: readonly SchemaNode[];
  enum?: readonly unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
}
