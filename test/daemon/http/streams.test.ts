// NDJSON streams: GET /v1/events (snapshot, then changes) and GET /v1/units/:name/logs (tail, follow).
import { describe, expect, it } from 'vitest';
import { serverSpec } from '../../../src/daemon/http/wire/specs.js';
import { waitFor } from '../../helpers/wait.js';
import { startTestDaemon, type RawClient } from './harness.js';

/** Opens a stream and collects its parsed lines as they arrive. */
async function openStream(http: RawClient, path: string) {
  const controller = new AbortController();
  const res = await http.pool.request({ method: 'GET', path, signal: controller.signal, bodyTimeout: 0 });
  const lines: any[] = [];
  let buffer = '';
  const done = (async () => {
    try {
      for await (const chunk of res.body) {
        buffer += chunk.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) if (part) lines.push(JSON.parse(part));
      }
    } catch {
      // aborted by the test
    }
  })();
  return { status: res.statusCode, type: res.headers['content-type'], lines, done, stop: () => controller.abort() };
}

describe('GET /v1/events', () => {
  it('sends a snapshot first, then one line per change with the state after it', async () => {
    const { http, fake } = await startTestDaemon();
    await fake.upsert([serverSpec({ slug: 'api', start: 'x' })], new Set());
    const stream = await openStream(http, '/v1/events');
    expect(stream.status).toBe(200);
    expect(stream.type).toBe('application/x-ndjson');
    await waitFor(() => stream.lines.length >= 1, { what: 'snapshot' });
    expect(stream.lines[0]).toMatchObject({ type: 'snapshot', units: [{ name: 'api', status: 'stopped' }] });

    await http.call('POST', '/v1/units/start', { names: ['api'] });
    await waitFor(() => stream.lines.some((l) => l.event?.to === 'ready'), { what: 'ready event' });
    const changes = stream.lines.slice(1).map((l) => [l.type, l.event.unit, l.event.from, l.event.to, l.state.status]);
    expect(changes).toEqual([
      ['event', 'api', 'stopped', 'pending', 'pending'],
      ['event', 'api', 'pending', 'starting', 'starting'],
      ['event', 'api', 'starting', 'running', 'running'],
      ['event', 'api', 'running', 'ready', 'ready'],
    ]);
    stream.stop();
    await stream.done;
  });

  it('unsubscribes when the client goes away, and ends open streams when the daemon closes', async () => {
    const { http, fake, daemon } = await startTestDaemon();
    let subscribers = 0;
    const subscribe = fake.subscribe.bind(fake);
    fake.subscribe = (listener) => {
      subscribers++;
      const off = subscribe(listener);
      return () => {
        subscribers--;
        off();
      };
    };
    const first = await openStream(http, '/v1/events');
    const second = await openStream(http, '/v1/events');
    await waitFor(() => subscribers === 2, { what: 'two subscribers' });
    first.stop();
    await waitFor(() => subscribers === 1, { what: 'the first to unsubscribe' });
    await daemon.close();
    await second.done;
    expect(subscribers).toBe(0);
  });
});

describe('GET /v1/units/:name/logs', () => {
  it('gives the last lines of one stream, then follows new ones until the client leaves', async () => {
    const { http, fake } = await startTestDaemon();
    await fake.upsert([serverSpec({ slug: 'api', start: 'x' })], new Set());
    for (let i = 1; i <= 5; i++) fake.logs.append('api', i % 2 ? 'stdout' : 'stderr', `line ${i}`);

    const tail = await http.call('GET', '/v1/units/api/logs?stream=stdout&tail=2');
    expect(tail.status).toBe(200);
    expect(tail.text.trim().split('\n').map((l) => JSON.parse(l).text)).toEqual(['line 3', 'line 5']);

    const follow = await openStream(http, '/v1/units/api/logs?tail=1&follow=1');
    await waitFor(() => follow.lines.length === 1, { what: 'the tail line' });
    fake.logs.append('api', 'stderr', 'after');
    await waitFor(() => follow.lines.length === 2, { what: 'the new line' });
    expect(follow.lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'line 5'],
      ['stderr', 'after'],
    ]);
    follow.stop();
    await follow.done;
  });

  it.each([
    ['tail=-1', '"tail" must be a non-negative integer (got "-1")'],
    ['follow=yes', '"follow" must be 1 or 0 (got "yes")'],
    ['stream=all', '"stream" must be one of stdout, stderr, combined (got "all")'],
  ])('answers 400 for %s', async (query, message) => {
    const { http, fake } = await startTestDaemon();
    await fake.upsert([serverSpec({ slug: 'api', start: 'x' })], new Set());
    const reply = await http.call('GET', `/v1/units/api/logs?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe(message);
  });
});
