// The HTTP response reader of the health probe: status, where a response ends, and whether its connection is reusable;
// and probes against real servers whose framing or keep-alive behaviour is awkward.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResponse } from '../../../src/daemon/health/http-response.js';
import { probeHttp } from '../../../src/daemon/health/index.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const LIMIT = 64;

describe('parseResponse', () => {
  it.each([
    { name: 'Content-Length body, complete', text: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', expected: { state: 'complete', status: 200, reusable: true } },
    { name: 'Content-Length body, partial', text: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok', expected: { state: 'partial' } },
    { name: 'headers still coming', text: 'HTTP/1.1 503 Service Unavailable\r\nContent-Le', expected: { state: 'partial' } },
    { name: 'a first byte only', text: 'H', expected: { state: 'partial' } },
    { name: 'chunked, complete', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3;x=1\r\nabc\r\n0\r\n\r\n', expected: { state: 'complete', status: 200, reusable: true } },
    { name: 'chunked, with trailers', text: 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n1\r\na\r\n0\r\nX-T: 1\r\n\r\n', expected: { state: 'complete', status: 200, reusable: true } },
    { name: 'chunked, last chunk not yet ended', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n', expected: { state: 'partial' } },
    { name: 'chunked, longer than the limit', text: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n${'a'.repeat(10)}`, expected: { state: 'complete', status: 200, reusable: false } },
    { name: 'chunked, a bad size', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', expected: { state: 'invalid', error: 'bad chunk size' } },
    { name: '204 has no body', text: 'HTTP/1.1 204 No Content\r\n\r\n', expected: { state: 'complete', status: 204, reusable: true } },
    { name: 'Connection: close', text: 'HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', expected: { state: 'complete', status: 500, reusable: false } },
    { name: 'HTTP/1.0 without keep-alive', text: 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', expected: { state: 'complete', status: 200, reusable: false } },
    { name: 'HTTP/1.0 with keep-alive', text: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n', expected: { state: 'complete', status: 200, reusable: true } },
    { name: 'a body that ends when the connection closes', text: 'HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\nmore', expected: { state: 'complete', status: 302, reusable: false } },
    { name: 'a Content-Length over the limit', text: 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n', expected: { state: 'complete', status: 200, reusable: false } },
    { name: 'stray bytes after the response', text: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP', expected: { state: 'complete', status: 200, reusable: false } },
    { name: 'an interim 100 Continue first', text: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n', expected: { state: 'complete', status: 201, reusable: true } },
    // A probe that connected to itself reads its own request back: that is no answer.
    { name: 'its own request echoed (self-connect)', text: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', expected: { state: 'invalid', error: 'not an HTTP response' } },
    { name: 'a malformed status line', text: 'HTTP/2 200\r\n\r\n', expected: { state: 'invalid', error: 'not an HTTP response' } },
    { name: 'endless headers', text: `HTTP/1.1 200 OK\r\n${'X-A: b\r\n'.repeat(3000)}`, expected: { state: 'invalid', error: 'response header too long' } },
  ])('$name', ({ text, expected }) => {
    expect(parseResponse(bytes(text), LIMIT)).toEqual(expected);
  });
});

describe('probeHttp against awkward servers', () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  afterEach(async () => {
    // The probe keeps its connection for the next probe: end the server's side, or close() would wait for it.
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A raw TCP server that answers each request with `reply(n)` (n counts requests), then maybe closes. */
  async function rawServer(reply: (n: number) => string, closeAfter: boolean): Promise<{ port: number; connections: () => number }> {
    let requests = 0;
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.on('data', () => {
        socket.write(reply(++requests));
        if (closeAfter) socket.end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    return { port, connections: () => connections };
  }

  it('keeps probing right when the server closes every connection after its answer (no Connection: close header)', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', true);
    for (let i = 0; i < 10; i++) expect(await probeHttp(`http://127.0.0.1:${server.port}/`, 5000)).toEqual({ ok: true });
  });

  it('reads chunked answers and reuses the connection', async () => {
    const server = await rawServer((n) => `HTTP/1.1 ${n % 2 ? 200 : 503} X\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n`, false);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await probeHttp(`http://127.0.0.1:${server.port}/health`, 5000));
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true, false]);
    expect(results[1]).toEqual({ ok: false, error: 'HTTP 503' });
    expect(server.connections()).toBe(1);
  });

  it('fails on an answer that is not HTTP, and opens a new connection for the next probe', async () => {
    const server = await rawServer((n) => (n === 1 ? 'SSH-2.0-OpenSSH\r\n\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), false);
    expect(await probeHttp(`http://127.0.0.1:${server.port}/`, 5000)).toEqual({ ok: false, error: 'not an HTTP response' });
    expect(await probeHttp(`http://127.0.0.1:${server.port}/`, 5000)).toEqual({ ok: true });
    expect(server.connections()).toBe(2);
  });
});
