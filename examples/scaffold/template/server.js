// The scaffolded app: a page that greets the visitor, and a health endpoint for compute's health check.
import { createServer } from 'node:http';
import escapeHtml from 'escape-html';

const port = Number(process.env.PORT ?? 5173);
const appName = process.env.APP_NAME ?? 'my-app';
const greeting = process.env.GREETING ?? 'Hello';

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"status":"ok"}\n');
  }
  if (url.pathname === '/') {
    // The visitor's name comes from the query string: escape it before it goes into HTML.
    const name = escapeHtml(url.searchParams.get('name') ?? 'world');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(`<!doctype html><title>${escapeHtml(appName)}</title><h1>${escapeHtml(greeting)}, ${name}!</h1>\n`);
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});

server.listen(port, () => console.log(`${appName} dev server on http://localhost:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
