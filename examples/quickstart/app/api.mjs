// The quickstart API: GET /health for the health check, GET / for a summary, POST /jobs for the worker.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 3000);
const startedAt = Date.now();
let jobs = 0;

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return reply(res, 200, { status: 'ok' });
  if (req.method === 'GET' && req.url === '/') {
    return reply(res, 200, { message: 'hello from compute', jobs, uptime_ms: Date.now() - startedAt });
  }
  if (req.method === 'POST' && req.url === '/jobs') {
    jobs += 1;
    return reply(res, 201, { job: jobs });
  }
  reply(res, 404, { error: `no route ${req.method} ${req.url}` });
});

server.listen(port, () => console.log(`api listening on http://localhost:${port}`));

// compute stops a unit with SIGTERM: finish the requests in flight, then exit 0.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
