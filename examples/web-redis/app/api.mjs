// The API: counts visits in Redis. GET / increments the counter, GET /health checks Redis and the migration.
import { createServer } from 'node:http';
import { createClient } from './resp.mjs';

const port = Number(process.env.PORT ?? 3001);
const redis = createClient({ port: Number(process.env.REDIS_PORT ?? 6390) });

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

async function handle(req, res) {
  if (req.method === 'GET' && req.url === '/health') {
    const version = await redis.command('GET', 'schema_version');
    return version === null ? reply(res, 503, { status: 'not migrated' }) : reply(res, 200, { status: 'ok', schema_version: Number(version) });
  }
  if (req.method === 'GET' && req.url === '/') return reply(res, 200, { visits: await redis.command('INCR', 'visits') });
  reply(res, 404, { error: `no route ${req.method} ${req.url}` });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => reply(res, 503, { error: `redis: ${error.message}` }));
});
server.listen(port, () => console.log(`api listening on http://localhost:${port}`));

// Without Redis the API is useless: exit, and let the restart policy try again.
redis.command('PING').catch((error) => {
  console.error(`api: redis is not reachable: ${error.message}`);
  process.exit(1);
});

process.on('SIGTERM', () => {
  redis.close();
  server.close(() => process.exit(0));
});
