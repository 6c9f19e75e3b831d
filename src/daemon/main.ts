// The sandbox daemon, composed: state folder lock, logger, supervisor, HTTP listeners, discovery file; and its stop.
import { mkdir, realpath, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import type { CommandStore } from './commands/index.js';
import type { Supervisor } from './supervisor-api.js';
import { daemonFiles, STATE_FOLDER_ENTRIES, writeDaemonInfo } from '../contract/discovery.js';
import { privateDir, privateEntries } from '../contract/persist.js';
import { listenTcp, listenUnix } from './http/listen.js';
import { acquireStateLock, type StateLock } from './http/lock.js';
import type { OverlayStore, RouteDeps } from './http/router.js';
import { createHttpServer } from './http/server.js';
import { loadValidators } from './http/validate.js';
import { ProblemBoard } from './problems.js';
import { RotatingLogFile } from './log-file.js';

/** What the composition hands to a supervisor factory. */
export interface SupervisorParts {
  root: string;
  stateDir: string;
  logger: Logger;
  /** Where the state files report that they cannot be written (GET /health shows it). */
  problems: ProblemBoard;
}

/** What a supervisor factory gives: the supervisor, the overlays, and what to close after it. */
export interface MadeSupervisor {
  supervisor: Supervisor;
  overlays?: OverlayStore;
  /** Called after the supervisor's shutdown, when the daemon closes. */
  close?: () => Promise<void>;
}

/** How to start a daemon. */
export interface DaemonOptions {
  /** Host folder that is the sandbox's `/`. */
  root: string;
  /** Socket, pidfile, state file, logs; default `<root>/../state`. */
  stateDir?: string;
  /** Default `<stateDir>/daemon.sock`. */
  socketPath?: string;
  /** Also serve TCP; every route but GET /health then needs the bearer token. Port 0 takes a free port. */
  listen?: { host: string; port: number; token: string };
  /** pino level of `<stateDir>/daemon.log` (default info). */
  logLevel?: string;
  /** Builds the units' supervisor (default: the local one); tests of the HTTP layer may pass another. */
  createSupervisor?: (parts: SupervisorParts) => Promise<MadeSupervisor>;
}

/** A daemon running in this process. */
export interface RunningDaemon {
  pid: number;
  stateDir: string;
  socketPath: string;
  /** The TCP URL when listening on TCP (with the actual port). */
  url?: string;
  /** Milliseconds from startDaemon's call until the daemon was ready for requests (listeners bound, supervisor up). */
  startupMs: number;
  /** Resolves once the daemon has closed, by close() or by POST /v1/shutdown. */
  closed: Promise<void>;
  /** Stops every unit (dependents first), closes the listeners, removes the socket and frees the lock. */
  close(): Promise<void>;
}

/** The default state folder of a sandbox root: a sibling folder named `state`. */
export function defaultStateDir(root: string): string {
  return resolve(root, '..', 'state');
}

// Secret-looking keys: *_KEY, *TOKEN*, *SECRET*, *PASSWORD* (any case).
const SECRET_KEY = /(?:_KEY$|TOKEN|SECRET|PASSWORD)/i;

/** A copy of a log object with the values of secret-looking keys replaced, at any depth. */
export function redactSecrets(value: unknown, ancestors = new WeakSet<object>()): unknown {
  if (!value || typeof value !== 'object' || value instanceof Error) return value;
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item) => redactSecrets(item, ancestors));
  } else {
    const entries = Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) && typeof item !== 'object' ? '[redacted]' : redactSecrets(item, ancestors)]);
    copy = Object.fromEntries(entries);
  }
  ancestors.delete(value);
  return copy;
}

function createLogger(path: string, level: string): Logger {
  // Synchronous writes, rotated at a size (log-file.ts): a crash-looping unit must not fill the disk with daemon.log.
  // A record that cannot be written (ENOSPC: the state disk is full) is dropped; the daemon goes on supervising.
  const destination = new RotatingLogFile(path);
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
    },
    destination,
  );
}

/** Starts a daemon in this process; throws DaemonRunningError when the state folder already has a live one. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const started = performance.now();
  const factory = options.createSupervisor ?? localSupervisor;
  const root = resolve(options.root);
  const stateDir = resolve(options.stateDir ?? defaultStateDir(root));
  const files = daemonFiles(stateDir);
  const socketPath = resolve(options.socketPath ?? files.socket);
  await mkdir(root, { recursive: true });
  // The state folder holds the units' environments (secrets) in state.json, logs and the socket: owner only, also
  // when an older version (or a user) made it, or its files, readable by others.
  if (await privateDir(stateDir, STATE_FOLDER_ENTRIES)) await privateEntries(stateDir, STATE_FOLDER_ENTRIES);
  const lock = await acquireStateLock(stateDir);
  const logger = createLogger(files.log, options.logLevel ?? 'info');
  const problems = new ProblemBoard(logger);
  const closers: Array<() => Promise<void>> = [];
  const deps = deferred<RouteDeps>();
  const announced = deferred<void>();
  let supervisor: Supervisor | undefined;
  try {
    const control = controls(() => supervisor, logger);
    const common = { deps: deps.promise, announced: announced.promise, logger, signal: control.abort.signal, closing: control.closing, problems: () => problems.list() };
    // Listeners are bound before the supervisor starts, so that a taken socket or port fails before any unit is touched.
    const unix = createHttpServer(common);
    await listenUnix(unix.server, socketPath);
    // Only a socket this daemon bound is removed on failure: the path may be another daemon's socket or a user's file.
    closers.push(() => unix.close().then(() => rm(socketPath, { force: true })));
    let url: string | undefined;
    if (options.listen) {
      const tcp = createHttpServer({ ...common, token: options.listen.token });
      closers.push(tcp.close);
      url = await listenTcp(tcp.server, options.listen.host, options.listen.port);
    }
    // Written as soon as the listeners answer (requests wait for the supervisor), so a URL with port 0 is known at once.
    await writeDaemonInfo(stateDir, { pid: process.pid, socket: socketPath, ...(url ? { url } : {}), started_at: new Date().toISOString(), root });
    closers.push(() => rm(files.info, { force: true }));
    announced.resolve();
    const [made, commands] = await Promise.all([factory({ root, stateDir, logger, problems }), commandRunner(root, stateDir)]);
    supervisor = made.supervisor;
    const startupMs = Math.round(performance.now() - started);
    // Background commands (and what finished ones left running) go with the daemon: nothing else would end them.
    const closeParts = async () => {
      await commands.close();
      await made.close?.();
    };
    const daemon = finishing({ stateDir, socketPath, url, closers, control, logger, lock, startupMs, closeParts });
    deps.resolve({ supervisor, logger, commands, stopAllUnits: control.stopAllUnits, exit: () => void daemon.close(), ...(made.overlays ? { overlays: made.overlays } : {}) });
    // performance.now() counts from the process's start, so the second figure includes node's own start-up.
    logger.info({ root, stateDir, socket: socketPath, url, startup_ms: startupMs, since_process_start_ms: Math.round(performance.now()) }, 'daemon started');
    // Compiling the body schemas waits until the daemon answers, so that start-up does not pay for ajv.
    setImmediate(() => void loadValidators().catch((error: unknown) => logger.error({ err: error }, 'schemas failed to compile')));
    return daemon;
  } catch (error) {
    // Units the supervisor may have adopted keep running: the next daemon adopts them again.
    logger.error({ err: error }, 'daemon failed to start');
    deps.reject(error);
    announced.reject(error);
    await Promise.all(closers.map((close) => close()));
    await lock.release();
    logger.flush();
    throw error;
  }
}

function deferred<T>() {
  let resolveIt!: (value: T) => void;
  let rejectIt!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolveIt = res;
    rejectIt = rej;
  });
  // A rejection is reported by startDaemon itself; requests waiting on it get a 500.
  promise.catch(() => undefined);
  return { promise, resolve: resolveIt, reject: rejectIt };
}

interface Controls {
  abort: AbortController;
  closing: () => boolean;
  stopAllUnits: () => Promise<void>;
}

// Stopping the units happens once, whoever asks first (a signal, close(), or POST /v1/shutdown).
function controls(supervisor: () => Supervisor | undefined, logger: Logger): Controls {
  let stopping: Promise<void> | undefined;
  return {
    abort: new AbortController(),
    closing: () => stopping !== undefined,
    stopAllUnits: () => {
      stopping ??= (async () => {
        logger.info({}, 'stopping every unit');
        await supervisor()?.shutdown();
        logger.info({}, 'every unit stopped');
      })();
      return stopping;
    },
  };
}

interface Finishing {
  stateDir: string;
  socketPath: string;
  url: string | undefined;
  startupMs: number;
  closers: Array<() => Promise<void>>;
  /** Closes what the supervisor was built on (log store, overlays), after the listeners. */
  closeParts: (() => Promise<void>) | undefined;
  control: Controls;
  logger: Logger;
  lock: StateLock;
}

function finishing(parts: Finishing): RunningDaemon {
  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolveClosed) => (markClosed = resolveClosed));
  const close = () => {
    closing ??= (async () => {
      const { control, logger } = parts;
      await control.stopAllUnits().catch((error: unknown) => logger.error({ err: error }, 'stopping the units failed'));
      control.abort.abort();
      await Promise.all(parts.closers.map((closeListener) => closeListener()));
      await parts.closeParts?.().catch((error: unknown) => logger.error({ err: error }, 'closing the log store or overlays failed'));
      logger.info({}, 'daemon stopped');
      await parts.lock.release();
      logger.flush();
      markClosed();
    })();
    return closing;
  };
  return { pid: process.pid, stateDir: parts.stateDir, socketPath: parts.socketPath, ...(parts.url ? { url: parts.url } : {}), startupMs: parts.startupMs, closed, close };
}

// The runner of POST /run/command; loaded, like the supervisor, once the listeners are bound.
async function commandRunner(root: string, stateDir: string): Promise<CommandStore> {
  const { CommandRunner } = await import('./commands/index.js');
  // The same marker value as the units' processes (the real state folder), so leftovers are found the same way.
  return new CommandRunner({ root, sandboxId: await realpath(stateDir) });
}

// The local sandbox: the log store, the overlay manager and the unit supervisor over them, all in the state folder.
// Its modules are loaded after the listeners are bound (module evaluation is CPU-bound, so loading them earlier gains
// nothing), and not at all by tests of the HTTP layer that bring another supervisor.
async function localSupervisor({ root, stateDir, logger, problems }: SupervisorParts): Promise<MadeSupervisor> {
  const [{ createSupervisor }, { LogStore }, { OverlayManager }] = await Promise.all([
    import('./units/index.js'),
    import('./logs/index.js'),
    import('./overlays/index.js'),
  ]);
  const logs = new LogStore({ dir: join(stateDir, 'logs'), onError: (error, unit) => logger.warn({ err: error, unit }, 'log ingestion failed') });
  const overlays = new OverlayManager({
    root,
    stateFile: join(stateDir, 'overlays.json'),
    onError: (error) => logger.warn({ err: error }, 'overlay sync failed'),
    onStateProblem: problems.reporter('overlays'),
  });
  const supervisor = await createSupervisor({ root, stateDir, logs, overlays, logger, onStateProblem: problems.reporter('units') });
  return {
    supervisor,
    overlays,
    close: async () => {
      await overlays.close();
      await logs.close();
    },
  };
}
