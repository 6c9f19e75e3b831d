// The deployed app: serves a status page naming the release it runs, and a health endpoint.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const release = process.env.RELEASE ?? 'dev';

const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"status":"ok"}\n');
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify({ app: 'site', release })}\n`);
});

server.listen(port, () => console.log(`site ${release} listening on http://localhost:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
