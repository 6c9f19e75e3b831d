// The SDK and the health probe load undici's classes by module path, to skip loading its whole index; these are
// the very classes the index exports, or an upgrade of undici has moved them.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Agent, Pool, RetryAgent } from 'undici';
import { UNDICI_AGENT_MODULE } from '../../src/daemon/health/http.js';
import { UNDICI_API_MODULE, UNDICI_POOL_MODULE, UNDICI_RETRY_AGENT_MODULE } from '../../src/sdk/transport-undici.js';

describe('undici module paths', () => {
  const require = createRequire(import.meta.url);
  it.each([
    [UNDICI_POOL_MODULE, Pool],
    [UNDICI_RETRY_AGENT_MODULE, RetryAgent],
    [UNDICI_AGENT_MODULE, Agent],
  ])('%s is the class undici exports', (path, exported) => {
    expect(require(path)).toBe(exported);
  });

  it(`${UNDICI_API_MODULE} has the request function the index puts on every dispatcher`, () => {
    expect((require(UNDICI_API_MODULE) as { request: unknown }).request).toBe(Pool.prototype.request);
  });
});
