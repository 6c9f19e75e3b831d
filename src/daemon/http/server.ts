// The daemon's HTTP request handler: authentication, routing, body parsing, and the mapping of errors to statuses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DaemonError } from '../errors.js';
import { PathEscapeError } from '../../contract/paths.js';
import type { DaemonProblem } from '../../contract/wire.js';
import { hasBearerToken } from './auth.js';
import { trackConnections } from './closer.js';
import { readJsonBody, sendJson } from './respond.js';
import { createRouter, type Route, type RouteDeps } from './router.js';
import { commandRoutes } from './routes/commands.js';
import { fileRoutes } from './routes/files.js';
import { serverRoutes } from './routes/servers.js';
import { serviceRoutes } from './routes/services.js';
import { statsRoutes } from './routes/stats.js';
import { streamRoutes } from './routes/streams.js';
import { overlayRoutes } from './routes/overlays.js';
import { systemRoutes } from './routes/system.js';
import { unitRoutes } from './routes/units.js';

/** Every route this daemon serves. */
export const ROUTES: readonly Route[] = [
  ...systemRoutes,
  ...serverRoutes,
  ...serviceRoutes,
  ...unitRoutes,
  ...statsRoutes,
  ...streamRoutes,
  ...overlayRoutes,
  ...commandRoutes,
  ...fileRoutes,
];

/** How one listener answers: with a token (TCP) every route but GET /health needs `Authorization: Bearer <token>`. */
export interface HandlerOptions {
  /** Resolves once the supervisor is up; requests that arrive earlier wait for it (except GET /health). */
  deps: Promise<RouteDeps>;
  /**
   * Resolves once daemon.json names this daemon; GET /health waits for it, so that a client that saw the daemon
   * answer also finds daemon.json (its URL, its root).
   */
  announced: Promise<void>;
  logger: Logger;
  token?: string;
  /** Aborted when the daemon closes: open streams end. */
  signal: AbortSignal;
  /** True once the daemon is shutting down: requests that change units get 503. */
  closing: () => boolean;
  /** What the daemon lives with now (a state disk that is full), for GET /health. */
  problems?: () => DaemonProblem[];
  routes?: readonly Route[];
}

/** Builds the request listener of one http.Server. */
export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const route = createRouter(options.routes ?? ROUTES);
  // GET /health does not wait for the supervisor, but once it is up it may look at it (the logs' disk-full flag).
  const up = { deps: {} as RouteDeps };
  options.deps.then((deps) => (up.deps = deps), () => undefined);
  return (req, res) => {
    handle(req, res, route, options, up).catch((error: unknown) => {
      options.logger.error({ err: error }, 'request handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}

/** An http.Server for one listener, and the function that closes it without waiting on idle clients. */
export function createHttpServer(options: HandlerOptions): { server: Server; close: () => Promise<void> } {
  const server = createServer(createHandler(options));
  // Event and log streams stay open for as long as the client wants; only the request itself must arrive in time.
  server.requestTimeout = 60_000;
  return { server, close: trackConnections(server) };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  route: ReturnType<typeof createRouter>,
  options: HandlerOptions,
  up: { deps: RouteDeps },
): Promise<void> {
  const { logger } = options;
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://daemon');
  const method = req.method ?? 'GET';
  const match = route(method, url.pathname);
  const isHealth = method === 'GET' && url.pathname === '/health';
  if (options.token !== undefined && !isHealth && !hasBearerToken(req.headers.authorization, options.token)) {
    res.setHeader('www-authenticate', 'Bearer');
    return sendJson(res, 401, { error: 'unauthorized: a valid "Authorization: Bearer <token>" header is required' });
  }
  if (hasDotSegment(req.url ?? '/')) {
    return sendJson(res, 400, { error: `the request path must not contain "." or ".." segments (got "${(req.url ?? '').split('?')[0]}")` });
  }
  if (!match) return sendJson(res, 404, { error: `no route for ${method} ${url.pathname}` });
  if (!('route' in match)) {
    res.setHeader('allow', match.allowed.join(', '));
    return sendJson(res, 405, { error: `${method} is not allowed on ${url.pathname} (allowed: ${match.allowed.join(', ')})` });
  }
  if (method !== 'GET' && options.closing()) return sendJson(res, 503, { error: 'the daemon is shutting down' });
  // GET /health uses nothing of the supervisor, so it answers while the supervisor is still starting.
  const problems = options.problems ?? (() => []);
  const deps = isHealth ? await options.announced.then(() => ({ ...up.deps, problems }) as RouteDeps) : { ...(await options.deps), problems };

  const aborter = new AbortController();
  // 'close' on the response fires when it has been sent or when the client went away, which ends a stream.
  res.once('close', () => {
    aborter.abort();
    // A client that left mid-reply half-closes its socket; without this it stays open and holds server.close().
    if (!res.writableFinished) req.socket.destroy();
  });
  const signal = AbortSignal.any([aborter.signal, options.signal]);
  try {
    const reply = await match.route.handler({ req, res, params: match.params, query: url.searchParams, signal, body: () => readJsonBody(req), deps });
    if (reply) sendJson(res, reply.status, reply.body);
  } catch (error) {
    const status = errorStatus(error);
    if (status === 500) logger.error({ err: error, method, path: url.pathname }, 'request failed');
    if (res.headersSent) res.destroy();
    else sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
  } finally {
    logger.debug({ method, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
  }
}

// URL parsing resolves `/files/../../etc` (and `%2e%2e`) to `/etc` before routing; refusing such paths outright makes
// a climb out of a files route a clear 400 instead of a request silently answered for another path.
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** True when the raw request target (before its query) has a `.` or `..` segment, plain or percent-encoded. */
export function hasDotSegment(target: string): boolean {
  const query = target.indexOf('?');
  return DOT_SEGMENT.test(query === -1 ? target : target.slice(0, query));
}

/** The HTTP status an error maps to: DaemonError's own, 403 for a path outside the sandbox, else 500. */
export function errorStatus(error: unknown): number {
  if (error instanceof DaemonError) return error.status;
  if (error instanceof PathEscapeError) return 403;
  return 500;
}
