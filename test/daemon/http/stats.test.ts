// GET /v1/stats at the door: its interval_ms checked, and a reply of the right shape (the in-memory supervisor has no
// processes; the measuring itself is tested on real units in test/daemon/stats and test/cli/top.test.ts).
import { describe, expect, it } from 'vitest';
import { startTestDaemon } from './harness.js';

describe('GET /v1/stats', () => {
  it.each(['', '?interval_ms=0', '?interval_ms=10000'])('answers %j with no unit when none runs, at once', async (query) => {
    const { http } = await startTestDaemon();
    const reply = await http.call('GET', `/v1/stats${query}`);
    expect(reply.status).toBe(200);
    expect(reply.json.data).toEqual({ interval_ms: 0, units: [] });
  });

  it.each(['-1', '1.5', 'abc', '10001', '1e3'])('refuses interval_ms=%s (400)', async (value) => {
    const { http } = await startTestDaemon();
    const reply = await http.call('GET', `/v1/stats?interval_ms=${value}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe(`"interval_ms" must be an integer from 0 to 10000 (got "${value}")`);
  });
});
