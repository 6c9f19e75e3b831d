// JSON schemas of the request bodies. A `description` is the expectation shown in a 400 message
// ("\"port\" must be <description>"); fields without one are described from their type.

/** What a unit name may be: it names files in the state folder, so no slashes. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';
const name = {
  type: 'string',
  pattern: NAME_PATTERN,
  description: 'a name of letters, digits, ".", "_" or "-" (at most 63, starting with a letter or digit)',
} as const;
const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const count = { type: 'integer', minimum: 0 } as const;
const text = { type: 'string' } as const;
const command = { type: 'string', minLength: 1 } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const stringList = { type: 'array', items: { type: 'string' } } as const;
const restartPolicy = { enum: ['never', 'on-failure', 'always'] } as const;
const needCondition = { enum: ['healthy', 'started', 'completed'] } as const;

/** A health check in snake_case: `path` (HTTP), `port` (TCP, or the HTTP port), `log` (regex) or `exec` (command). */
const wireHealthCheck = {
  type: 'object',
  properties: {
    path: { type: 'string', pattern: '^/', description: 'a URL path starting with "/"' },
    port,
    log: { type: 'string', minLength: 1 },
    exec: command,
    interval_ms: count,
    timeout_ms: count,
    delay_ms: count,
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
    port,
    strict_port: { type: 'boolean' },
    autostart: { type: 'boolean' },
    depends_on: stringList,
    restart_policy: restartPolicy,
    max_restarts: count,
    restart_delay_ms: count,
    stop_timeout_ms: count,
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
    user: { type: 'string', minLength: 1 },
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
    restart_policy: restartPolicy,
    max_restarts: count,
    restart_delay_ms: count,
    stop_timeout_ms: count,
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
    timeout: { type: 'number', exclusiveMinimum: 0, description: 'a number of seconds greater than 0' },
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

const timing = { intervalMs: count, timeoutMs: count, delayMs: count } as const;
const timingRequired = ['intervalMs', 'timeoutMs', 'delayMs'] as const;

/** A HealthCheck of the unit model. */
const healthCheck = {
  description: 'a health check of type http, tcp, log or exec',
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['http', 'tcp', 'log', 'exec'] } },
  // Reports the errors of the branch named by `type` only, instead of one per branch.
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      properties: { type: { const: 'http' }, path: wireHealthCheck.properties.path, port, ...timing },
      required: ['path', ...timingRequired],
      additionalProperties: false,
    },
    { properties: { type: { const: 'tcp' }, port, ...timing }, required: ['port', ...timingRequired], additionalProperties: false },
    {
      properties: { type: { const: 'log' }, pattern: { type: 'string', minLength: 1 }, ...timing },
      required: ['pattern', ...timingRequired],
      additionalProperties: false,
    },
    { properties: { type: { const: 'exec' }, command, ...timing }, required: ['command', ...timingRequired], additionalProperties: false },
  ],
} as const;

/** A UnitSpec (src/model/unit.ts), as config/ produces it. */
const unitSpec = {
  type: 'object',
  required: ['name', 'kind', 'command', 'cwd', 'strictPort', 'env', 'restartPolicy', 'maxRestarts', 'restartDelayMs', 'stopTimeoutMs', 'needs', 'overlays', 'labels', 'hash'],
  properties: {
    name,
    kind: { enum: ['server', 'service'] },
    command: {
      description: 'a non-empty string or a non-empty list of strings',
      anyOf: [command, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    },
    install: text,
    cwd: { type: 'string', pattern: '^/', description: 'an absolute sandbox path' },
    port,
    strictPort: { type: 'boolean' },
    env: stringMap,
    envFile: text,
    user: { type: 'string', minLength: 1 },
    restartPolicy,
    maxRestarts: count,
    restartDelayMs: count,
    stopTimeoutMs: count,
    healthCheck,
    needs: {
      type: 'object',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        required: ['condition', 'restart'],
        properties: { condition: needCondition, restart: { type: 'boolean' } },
        additionalProperties: false,
      },
    },
    overlays: stringList,
    labels: stringMap,
    hash: { type: 'string', minLength: 1 },
  },
  additionalProperties: false,
} as const;

/** PUT /v1/units: a batch of unit specs. */
export const unitBatchSchema = {
  type: 'object',
  required: ['units'],
  properties: { units: { type: 'array', items: unitSpec } },
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
