// The TCP transport to a remote agent: idempotent calls are retried when the connection drops or a proxy answers
// 503 (a cloud sandbox's URL while the agent restarts); a POST never is; the provider's headers go with every call.
// A real HTTP server on 127.0.0.1 that fails its first requests stands in for the flaky path.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type SandboxClient } from '../../src/sdk/index.js';

const servers: Server[] = [];
const clients: SandboxClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

type Fault = 'drop' | 503 | 500;

// Fails the first requests with `faults` in order, then answers `{data: {units: []}}`; records what it saw.
async function flakyAgent(faults: Fault[]): Promise<{ url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req);
    req.resume();
    const fault = faults.shift();
    if (fault === 'drop') return void req.socket.destroy();
    if (fault !== undefined) return void res.writeHead(fault, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `fault ${fault}` }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { units: [] } }));
  });
  server.keepAliveTimeout = 100;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(url: string, headers?: Record<string, string>): SandboxClient {
  const made = connect({ url, token: 't'.repeat(32), ...(headers ? { headers } : {}) });
  clients.push(made);
  return made;
}

describe('remote transport retries', () => {
  it('retries a GET through two dropped connections and a 503, then succeeds', async () => {
    const agent = await flakyAgent(['drop', 'drop', 503]);
    expect(await client(agent.url).units()).toEqual([]);
    expect(agent.seen.length).toBe(4);
  });

  it('gives up after 4 tries with one line naming the agent', async () => {
    const agent = await flakyAgent(['drop', 'drop', 'drop', 'drop', 'drop']);
    await expect(client(agent.url).units()).rejects.toThrow(new RegExp(`^cannot reach the sandbox daemon at ${agent.url}: `));
    expect(agent.seen.length).toBe(4);
  });

  it('does not retry a POST, which may not be repeated, nor a 500 from the agent itself', async () => {
    const post = await flakyAgent(['drop']);
    await expect(client(post.url).stopUnits(['web'])).rejects.toThrow(/cannot reach the sandbox daemon/);
    expect(post.seen.length).toBe(1);
    const internal = await flakyAgent([500]);
    await expect(client(internal.url).units()).rejects.toThrow(/fault 500/);
    expect(internal.seen.length).toBe(1);
  });

  it("sends the provider's headers and the bearer token on every request; the headers cannot replace the token", async () => {
    const agent = await flakyAgent(['drop']);
    await client(agent.url, { 'X-Daytona-Preview-Token': 'preview', Authorization: 'Bearer nope' }).units();
    expect(agent.seen.map((req) => [req.headers['x-daytona-preview-token'], req.headers.authorization])).toEqual([
      ['preview', `Bearer ${'t'.repeat(32)}`],
      ['preview', `Bearer ${'t'.repeat(32)}`],
    ]);
  });
});
