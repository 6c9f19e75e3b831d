// The JSON schemas of a UnitSpec's nested values (health check, needs, names), used by the field declarations.
import { NAME_PATTERN } from './paths.js';

/** The largest delay Node's timers take (2^31 − 1 ms); past it they fire at once. */
export const MAX_MS = 2_147_483_647;

/** A unit name: it names files in the state folder and URLs. */
export const UNIT_NAME_SCHEMA = {
  type: 'string',
  pattern: NAME_PATTERN,
  description: 'a name of letters, digits, ".", "_" or "-" (at most 63, starting with a letter or digit)',
} as const;

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const durationMs = { type: 'integer', minimum: 0, maximum: MAX_MS } as const;
// As on the wire before these declarations: 0 is accepted (config's own schema asks for at least 1 ms).
const timing = { intervalMs: durationMs, timeoutMs: durationMs, delayMs: durationMs } as const;
const timingRequired = ['intervalMs', 'timeoutMs', 'delayMs'] as const;
// The liveness settings; absent means the defaults (3 failures, keep running).
const policy = { failureThreshold: { type: 'integer', minimum: 1, maximum: 1000 }, onUnhealthy: { enum: ['keep', 'restart'] } } as const;
const command = { type: 'string', minLength: 1 } as const;

/** A HealthCheck of the unit model. */
export const HEALTH_CHECK_SCHEMA = {
  description: 'a health check of type http, tcp, log or exec',
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['http', 'tcp', 'log', 'exec'] } },
  // Reports the errors of the branch named by `type` only, instead of one per branch.
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      properties: { type: { const: 'http' }, path: { type: 'string', pattern: '^/', description: 'a URL path starting with "/"' }, port, ...timing, ...policy },
      required: ['path', ...timingRequired],
      additionalProperties: false,
    },
    { properties: { type: { const: 'tcp' }, port, ...timing, ...policy }, required: ['port', ...timingRequired], additionalProperties: false },
    {
      properties: { type: { const: 'log' }, pattern: { type: 'string', minLength: 1 }, ...timing, ...policy },
      required: ['pattern', ...timingRequired],
      additionalProperties: false,
    },
    { properties: { type: { const: 'exec' }, command, ...timing, ...policy }, required: ['command', ...timingRequired], additionalProperties: false },
  ],
} as const;

/** A unit's needs, in the model's long form. */
export const NEEDS_SCHEMA = {
  type: 'object',
  propertyNames: UNIT_NAME_SCHEMA,
  additionalProperties: {
    type: 'object',
    required: ['condition', 'restart'],
    properties: { condition: { enum: ['healthy', 'started', 'completed'] }, restart: { type: 'boolean' }, any: UNIT_NAME_SCHEMA },
    additionalProperties: false,
  },
} as const;
