// `compute daemon`: runs a sandbox daemon in the foreground until SIGTERM, SIGINT or POST /v1/shutdown.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DaemonRunningError } from '../../daemon/http/lock.js';
import { defaultStateDir, startDaemon, type RunningDaemon } from '../../daemon/main.js';
import { isDiskFull } from '../../util/disk-space.js';
import { parseCommandArgs } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { CliIO } from '../io.js';

const HELP = `Usage: compute daemon --root DIR [options]

Runs the sandbox daemon of one sandbox in the foreground. SIGTERM or Ctrl-C stops
every unit gracefully (dependents first), then the daemon exits 0.

Options:
  --root DIR           the sandbox's file system root (sandbox path /app is DIR/app)
  --state DIR          socket, pidfile, unit state and logs (default: DIR/../state,
                       i.e. a folder "state" beside the root)
  --socket PATH        unix socket, created with mode 0600 (default: <state>/daemon.sock)
  --listen HOST:PORT   also serve HTTP on TCP (port 0 picks a free port; the URL is
                       printed as "listening on http://HOST:PORT" and written to
                       <state>/daemon.json); needs a bearer token of at least 16
                       characters, from COMPUTE_DAEMON_TOKEN or --token-file; every
                       route but GET /health answers 401 without it
  --token-file PATH    read the token from PATH (surrounding whitespace ignored); the
                       file must not be readable by group or others (chmod 600)
  --token TOKEN        the token on the command line: works, but every user of the
                       machine sees it in \`ps\`; prefer COMPUTE_DAEMON_TOKEN or --token-file
  --log-level LEVEL    trace, debug, info (default), warn, error, fatal or silent;
                       the log is <state>/daemon.log (JSON lines)
  -h, --help           show this help

The state folder and its files are private to the daemon's user (0700 and 0600):
state.json holds the units' environments.
`;

/** The shortest bearer token accepted: shorter ones can be guessed by whoever reaches the port. */
export const MIN_TOKEN_LENGTH = 16;

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** Splits `HOST:PORT` (`[::1]:0` for IPv6); the port must be 0..65535. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new CLIError(`daemon: --listen must be HOST:PORT with a port from 0 to 65535, got "${value}"`);
  return { host: (match[1] ?? match[2]) as string, port };
}

/**
 * The bearer token of a daemon that listens on TCP: --token, else --token-file, else COMPUTE_DAEMON_TOKEN. A file
 * others can read is refused (the token is as good as a password), and so is a token under MIN_TOKEN_LENGTH.
 */
export async function daemonToken(values: { token?: string; 'token-file'?: string }, io: Pick<CliIO, 'env' | 'cwd'>): Promise<string> {
  if (values.token !== undefined && values['token-file'] !== undefined) throw new CLIError('daemon: give --token or --token-file, not both');
  let token = values.token;
  let from = '--token';
  if (token === undefined && values['token-file'] !== undefined) {
    token = await readTokenFile(resolve(io.cwd, values['token-file']));
    from = `--token-file ${values['token-file']}`;
  } else if (token === undefined) {
    token = io.env.COMPUTE_DAEMON_TOKEN;
    from = 'COMPUTE_DAEMON_TOKEN';
  }
  if (token === undefined) throw new CLIError('daemon: --listen needs a token (COMPUTE_DAEMON_TOKEN or --token-file PATH): TCP clients must authenticate');
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new CLIError(`daemon: the token (${from}) has ${token.length} characters; it needs at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 16)`);
  }
  return token;
}

async function readTokenFile(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CLIError(`daemon: cannot read --token-file ${path}: ${(error as Error).message}`);
  }
  try {
    // The mode of the file read, not of the path: checked on the open file, so it cannot be swapped in between.
    const { mode } = await handle.stat();
    if ((mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, '0');
      throw new CLIError(`daemon: --token-file ${path} is open to group or others (mode ${octal}); make it private: chmod 600 ${path}`);
    }
    return (await handle.readFile('utf8')).trim();
  } finally {
    await handle.close();
  }
}

/** Runs the daemon; resolves with the exit code once it has stopped. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs('daemon', args, {
    root: { type: 'string' },
    state: { type: 'string' },
    socket: { type: 'string' },
    listen: { type: 'string' },
    token: { type: 'string' },
    'token-file': { type: 'string' },
    'log-level': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (!values.root) throw new CLIError('daemon: --root DIR is required (see compute daemon --help)');
  const logLevel = values['log-level'] ?? 'info';
  if (!LEVELS.has(logLevel)) throw new CLIError(`daemon: --log-level must be one of ${[...LEVELS].join(', ')}, got "${logLevel}"`);
  const listen = values.listen ? { ...parseListen(values.listen), token: await daemonToken(values, io) } : undefined;

  // Listening from before the start: a SIGTERM while the daemon starts (clients can find it as soon as its socket
  // answers) must stop it like any other, not kill it with its socket and files left behind.
  const stop = stopRequests(io.signal);
  const root = resolve(io.cwd, values.root);
  const stateDir = values.state ? resolve(io.cwd, values.state) : defaultStateDir(root);
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon({
      root,
      stateDir,
      ...(values.socket ? { socketPath: resolve(io.cwd, values.socket) } : {}),
      ...(listen ? { listen } : {}),
      logLevel,
    });
  } catch (error) {
    stop.dispose();
    if (error instanceof DaemonRunningError) throw new CLIError(`daemon: ${error.message}`, EXIT.failed);
    if (isDiskFull(error)) {
      throw new CLIError(`daemon: the disk of state folder ${stateDir} is full (${(error as Error).message}); free some space and start it again`, EXIT.failed, { cause: error });
    }
    throw new CLIError(`daemon: ${error instanceof Error ? error.message : String(error)}`, EXIT.failed, { cause: error });
  }
  io.stdout(`listening on unix:${daemon.socketPath}\n`);
  if (daemon.url) io.stdout(`listening on ${daemon.url}\n`);
  try {
    await Promise.race([daemon.closed, stop.requested]);
  } finally {
    stop.dispose();
  }
  await daemon.close();
  return EXIT.ok;
}

// SIGTERM, SIGINT (through io.signal when the CLI gives one) and POST /v1/shutdown all end the daemon the same way.
function stopRequests(signal: AbortSignal | undefined): { requested: Promise<void>; dispose(): void } {
  let stop!: () => void;
  const requested = new Promise<void>((resolveStop) => (stop = resolveStop));
  process.on('SIGTERM', stop);
  if (!signal) process.on('SIGINT', stop);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  return {
    requested,
    dispose() {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      signal?.removeEventListener('abort', stop);
    },
  };
}
