// NDJSON streams under backpressure: writes made while the client does not read share one wait for 'drain'.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ndjson } from '../../../src/daemon/http/respond.js';
import { waitFor } from '../../helpers/wait.js';

describe('ndjson', () => {
  it('adds one drain listener however many writes wait, and delivers them all in order once read', async () => {
    let opened: { res: ServerResponse; stream: ReturnType<typeof ndjson> } | undefined;
    const server = createServer((_req, res) => (opened = { res, stream: ndjson(res) }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = request({ port, host: '127.0.0.1', path: '/' });
    client.end();
    const reply = await new Promise<IncomingMessage>((resolve) => client.once('response', resolve));
    reply.pause();
    try {
      const { res, stream } = await waitFor(() => opened);
      const payload = 'x'.repeat(1024);
      const writes = Array.from({ length: 3000 }, (_, i) => stream.write({ i, payload }));
      // 3 MB into a paused reader: the socket's buffers fill and writes wait for 'drain'.
      await waitFor(() => res.writableNeedDrain, { what: 'backpressure' });
      expect(res.listenerCount('drain')).toBeLessThanOrEqual(2);
      let text = '';
      reply.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      reply.resume();
      await Promise.all(writes);
      stream.end();
      await new Promise((resolve) => reply.once('end', resolve));
      const numbers = text.trim().split('\n').map((line) => (JSON.parse(line) as { i: number }).i);
      expect(numbers).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
