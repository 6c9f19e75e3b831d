// A small router: route modules list {method, path, handler}; `:name` segments become params, and a last `*name`
// segment takes the rest of the path (one or more segments, e.g. a file path).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Supervisor } from '../supervisor-api.js';
import type { OverlayRecord, OverlaySpec } from '../../contract/overlay.js';
import type { CommandStore } from '../commands/index.js';
import type { DaemonProblem } from '../../contract/wire.js';
import type { SyncManifest, SyncOp, SyncResult } from '../../contract/sync.js';

/** The overlays of a sandbox, as the routes use them (the overlay manager implements it). */
export interface OverlayStore {
  /** Validates (400) and creates or re-syncs; returns at once while the copy runs in the background. */
  create(spec: OverlaySpec): Promise<OverlayRecord>;
  list(): OverlayRecord[];
  get(id: string): OverlayRecord | undefined;
  /** 404 DaemonError when unknown. */
  destroy(id: string): Promise<void>;
  /** What the overlay last wrote into its target; 404 unknown, 409 unless complete. */
  manifest(id: string): SyncManifest;
  /** Applies sync operations from the source; 404 unknown, 409 unless complete. */
  sync(id: string, ops: readonly SyncOp[]): Promise<SyncResult>;
}

/** What the routes may use of the daemon besides the request. */
export interface RouteDeps {
  supervisor: Supervisor;
  logger: Logger;
  /** The overlays (absent when the daemon runs without an overlay manager: the overlay routes then answer 501). */
  overlays?: OverlayStore;
  /** The one-off commands (absent: the command routes answer 501). */
  commands?: CommandStore;
  /** Stops every unit once (later calls wait for the same stop); mutating requests get 503 from then on. */
  stopAllUnits: () => Promise<void>;
  /** Asks the daemon to close and exit, after the current reply has been sent. */
  exit: () => void;
  /** What the daemon lives with now (a full state disk); the HTTP layer fills it in. */
  problems?: () => DaemonProblem[];
}

/** One request as a handler sees it. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Aborted when the client goes away or the daemon closes; long replies (streams) end on it. */
  signal: AbortSignal;
  /** The request body parsed as JSON (undefined when empty); 400 on bad JSON, 413 when too large. */
  body: () => Promise<unknown>;
  deps: RouteDeps;
}

/** A JSON reply; a handler that streams writes `res` itself and returns undefined. */
export interface Reply {
  status: number;
  body?: unknown;
}

/** A route: its method, its path pattern (`/servers/:slug`), and what answers it. */
export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: (ctx: RouteContext) => Promise<Reply | undefined>;
}

/** The result of looking a request up: a route with its params, the methods the path allows, or nothing. */
export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined;

interface Compiled {
  route: Route;
  segments: string[];
  literals: number;
}

/** Compiles routes once; the returned function finds the route for a method and path (the most literal match wins). */
export function createRouter(routes: readonly Route[]): (method: string, pathname: string) => Match {
  const compiled: Compiled[] = routes.map((route) => {
    const segments = route.path.split('/').slice(1);
    return { route, segments, literals: segments.filter((s) => !s.startsWith(':') && !s.startsWith('*')).length };
  });
  return (method, pathname) => {
    const parts = pathname.split('/').slice(1);
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
    const allowed = new Set<string>();
    for (const c of compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      allowed.add(c.route.method);
      if (c.route.method === method && (!best || c.literals > best.literals)) best = { route: c.route, params, literals: c.literals };
    }
    if (best) return { route: best.route, params: best.params };
    return allowed.size > 0 ? { allowed: [...allowed] } : undefined;
  };
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const rest = pattern.at(-1)?.startsWith('*') === true;
  if (rest ? parts.length < pattern.length : pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = parts[i] as string;
    if (want.startsWith('*')) {
      const tail = matchRest(parts.slice(i));
      if (tail === undefined) return undefined;
      params[want.slice(1)] = tail;
    } else if (want.startsWith(':')) {
      if (got === '') return undefined;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

// The rest of the path, decoded; undefined when it is empty or badly encoded (as for a `:name` segment).
function matchRest(parts: string[]): string | undefined {
  if (parts.every((part) => part === '')) return undefined;
  try {
    return decodeURIComponent(parts.join('/'));
  } catch {
    return undefined;
  }
}
