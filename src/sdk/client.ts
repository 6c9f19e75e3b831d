// The typed client of a sandbox daemon: servers (ComputeSDK 2.x shape), services (seed API), and our unit API.
import type { LogLine, LogStream, UnitPlace } from '../contract/wire.js';
import type {
  CommandResult,
  Envelope,
  EventStreamItem,
  FileInfo,
  FileList,
  FileReply,
  HealthResponse,
  OverlayCreate,
  ReadyResponse,
  ServerInfo,
  ServerLogsInfo,
  ServerLogStream,
  ServerStartOptions,
  ServiceDefinition,
  ServiceInfo,
  StatsReply,
  UnitBatch,
} from '../contract/wire.js';
import type { OverlayRecord } from '../contract/overlay.js';
import type { SyncManifest, SyncOp, SyncResult } from '../contract/sync.js';
import type { UnitSpec, UnitState } from '../contract/unit.js';
import { SandboxApiError } from './errors.js';
import { openTransport, type Endpoint } from './transport.js';

/** How to read a unit's logs through the client. */
export interface UnitLogOptions {
  stream?: LogStream;
  /** Only the last N retained lines. */
  tail?: number;
  /** Keep streaming new lines (across restarts) until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
}

/** How to run a command through the client (`timeout` in seconds, as in ComputeSDK 2.x). */
export interface RunCommandOptions {
  /** Sandbox folder to run in (default `/`). */
  cwd?: string;
  env?: Record<string, string>;
  /** Reply at once with `cmd_id`; wait for it with `commands.wait`. */
  background?: boolean;
  timeout?: number;
  shell?: string;
}

/** A connected daemon. Every failed call throws SandboxApiError (status 0 when the daemon is unreachable). */
export interface SandboxClient {
  /** Set for a provider sandbox whose provider can be kept from timing out: the call that extends its life, and how often. */
  keepAlive?: { call: string; everyMs: number; extend(): Promise<void> };
  server: {
    start(options: ServerStartOptions): Promise<ServerInfo>;
    list(): Promise<ServerInfo[]>;
    retrieve(slug: string): Promise<ServerInfo>;
    stop(slug: string): Promise<void>;
    restart(slug: string): Promise<ServerInfo>;
    delete(slug: string): Promise<void>;
    logs(slug: string, options?: { stream?: ServerLogStream }): Promise<ServerLogsInfo>;
  };
  services: {
    /** Defines or updates a service without starting it. */
    upsert(name: string, definition: ServiceDefinition): Promise<ServiceInfo>;
    start(name: string): Promise<ServiceInfo>;
    stop(name: string): Promise<ServiceInfo>;
    get(name: string): Promise<ServiceInfo>;
    list(): Promise<ServiceInfo[]>;
    delete(name: string): Promise<void>;
  };
  overlays: {
    /** Creates (or re-syncs) an overlay; resolves at once with its record while the copy runs in the background. */
    create(overlay: OverlayCreate): Promise<OverlayRecord>;
    list(): Promise<OverlayRecord[]>;
    retrieve(id: string): Promise<OverlayRecord>;
    /** Removes the overlay and the files it copied. */
    destroy(id: string): Promise<void>;
    /** What the overlay last wrote into its target (409 SandboxApiError unless its copy is complete). */
    manifest(id: string): Promise<SyncManifest>;
    /** Applies sync operations computed against manifest(id) (contract/sync.ts); the daemon reads the bytes from the source. */
    sync(id: string, ops: readonly SyncOp[]): Promise<SyncResult>;
  };
  /** Runs a shell command in the sandbox; a non-zero exit is a result (`exit_code`), not an error. */
  runCommand(command: string, options?: RunCommandOptions): Promise<CommandResult>;
  /** Background commands started by runCommand({ background: true }). */
  commands: {
    list(): Promise<CommandResult[]>;
    retrieve(id: string): Promise<CommandResult>;
    /** Waits until the command ends (408 SandboxApiError when it still runs after `timeout` seconds, default 300). */
    wait(id: string, options?: { timeout?: number }): Promise<CommandResult>;
  };
  /** The sandbox's files, by sandbox path; a path that would leave the sandbox root is a 403. */
  filesystem: {
    readFile(path: string): Promise<string>;
    /** Creates or replaces a UTF-8 file, and its missing parent folders. */
    writeFile(path: string, content: string): Promise<FileInfo>;
    /** Creates a folder and its missing parents. */
    mkdir(path: string): Promise<FileInfo>;
    readdir(path: string): Promise<FileInfo[]>;
    exists(path: string): Promise<boolean>;
    /** Removes a file, a symlink (not its target) or a folder with everything in it. */
    remove(path: string): Promise<void>;
  };
  /** Every unit with its spec (and hash) and status, sorted by name. */
  units(): Promise<UnitState[]>;
  /** One unit, or undefined when the daemon has none of that name. */
  unit(name: string): Promise<UnitState | undefined>;
  /** Where a command run in the unit's place starts: folder, environment (no unit markers), user ids (404 when unknown). */
  unitPlace(name: string): Promise<UnitPlace>;
  /** Defines or updates units, all or none; the active ones named in `replace` get a new process (without it, those
   *  whose restart hash changed). */
  applyUnits(specs: UnitSpec[], replace?: string[]): Promise<UnitState[]>;
  /** Starts units (and their needs); resolves once the starts are under way. */
  startUnits(names: string[]): Promise<UnitState[]>;
  /** Stops units (dependents first); resolves when their processes are gone. */
  stopUnits(names: string[]): Promise<UnitState[]>;
  removeUnits(names: string[]): Promise<void>;
  restartUnit(name: string): Promise<UnitState>;
  /** What each running unit uses (CPU over `intervalMs`, default 250; 0: memory only, at once), sorted by name. */
  stats(options?: { intervalMs?: number }): Promise<StatsReply>;
  /** A snapshot of every unit, then one item per state change, until `signal` aborts (then it ends quietly). */
  events(signal?: AbortSignal): AsyncIterable<EventStreamItem>;
  /** A unit's log lines; with `follow`, new lines until `signal` aborts. */
  unitLogs(name: string, options?: UnitLogOptions): AsyncIterable<LogLine>;
  ready(): Promise<ReadyResponse>;
  /** Liveness; `timeoutMs` bounds the wait for a daemon that accepts connections but does not answer. */
  health(options?: { timeoutMs?: number }): Promise<HealthResponse>;
  /** Stops every unit, then the daemon exits; resolves once the units are stopped. */
  shutdown(): Promise<void>;
  /** Closes the client's connections (open streams end with an error). */
  close(): Promise<void>;
  /** The socket path or URL this client talks to. */
  readonly where: string;
}

/** Connects to a daemon by its unix socket, or by its TCP URL and bearer token. No request is made until a call. */
export function connect(endpoint: Endpoint): SandboxClient {
  const transport = openTransport(endpoint);
  const data = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    (await transport.call<Envelope<T>>(method, path, body)).data;
  const seg = encodeURIComponent;

  return {
    where: transport.where,
    server: {
      start: async (options) => (await data<{ server: ServerInfo }>('POST', '/servers', options)).server,
      list: async () => (await data<{ servers: ServerInfo[] }>('GET', '/servers')).servers,
      retrieve: async (slug) => (await data<{ server: ServerInfo }>('GET', `/servers/${seg(slug)}`)).server,
      stop: async (slug) => void (await data('POST', `/servers/${seg(slug)}/stop`)),
      restart: async (slug) => (await data<{ server: ServerInfo }>('POST', `/servers/${seg(slug)}/restart`)).server,
      delete: async (slug) => void (await transport.call('DELETE', `/servers/${seg(slug)}`)),
      logs: async (slug, options) =>
        data<ServerLogsInfo>('GET', `/servers/${seg(slug)}/logs${options?.stream ? `?stream=${seg(options.stream)}` : ''}`),
    },
    services: {
      upsert: async (name, definition) => (await data<{ service: ServiceInfo }>('PUT', `/v1/services/${seg(name)}`, definition)).service,
      start: async (name) => (await data<{ service: ServiceInfo }>('POST', `/v1/services/${seg(name)}/start`)).service,
      stop: async (name) => (await data<{ service: ServiceInfo }>('POST', `/v1/services/${seg(name)}/stop`)).service,
      get: async (name) => (await data<{ service: ServiceInfo }>('GET', `/v1/services/${seg(name)}`)).service,
      list: async () => (await data<{ services: ServiceInfo[] }>('GET', '/v1/services')).services,
      delete: async (name) => void (await transport.call('DELETE', `/v1/services/${seg(name)}`)),
    },
    // The 2.x overlay routes answer without the envelope.
    overlays: {
      create: (overlay) => transport.call<OverlayRecord>('POST', '/filesystem/overlays', overlay),
      list: async () => (await transport.call<{ overlays: OverlayRecord[] }>('GET', '/filesystem/overlays')).overlays,
      retrieve: (id) => transport.call<OverlayRecord>('GET', `/filesystem/overlays/${seg(id)}`),
      destroy: async (id) => void (await transport.call('DELETE', `/filesystem/overlays/${seg(id)}`)),
      manifest: async (id) => (await data<{ manifest: SyncManifest }>('GET', `/v1/overlays/${seg(id)}/manifest`)).manifest,
      sync: async (id, ops) => (await data<{ sync: SyncResult }>('POST', `/v1/overlays/${seg(id)}/sync`, { ops })).sync,
    },
    runCommand: (command, options = {}) => data<CommandResult>('POST', '/run/command', { command, ...options }),
    commands: {
      list: async () => (await data<{ commands: CommandResult[] }>('GET', '/terminals/exec/commands')).commands,
      retrieve: (id) => data<CommandResult>('GET', `/terminals/exec/commands/${seg(id)}`),
      wait: (id, options) => data<CommandResult>('GET', `/terminals/exec/commands/${seg(id)}/wait${options?.timeout === undefined ? '' : `?timeout=${options.timeout}`}`),
    },
    filesystem: {
      readFile: async (path) => (await data<FileReply>('GET', `${filePath(path)}?content=true`)).content ?? '',
      writeFile: async (path, content) => (await data<FileReply>('POST', '/files', { path, content })).file,
      mkdir: async (path) => (await data<FileReply>('POST', '/v1/files/mkdir', { path })).file,
      readdir: async (path) => (await data<FileList>('GET', `/files?${new URLSearchParams({ path })}`)).files,
      exists: async (path) => {
        try {
          await transport.call('HEAD', filePath(path));
          return true;
        } catch (error) {
          if (error instanceof SandboxApiError && error.status === 404) return false;
          throw error;
        }
      },
      remove: async (path) => void (await data('DELETE', filePath(path))),
    },
    units: async () => (await data<{ units: UnitState[] }>('GET', '/v1/units')).units,
    unit: async (name) => {
      try {
        return (await data<{ unit: UnitState }>('GET', `/v1/units/${seg(name)}`)).unit;
      } catch (error) {
        if (error instanceof SandboxApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    unitPlace: async (name) => (await data<{ place: UnitPlace }>('GET', `/v1/units/${seg(name)}/place`)).place,
    applyUnits: async (specs, replace) => (await data<{ units: UnitState[] }>('PUT', '/v1/units', { units: specs, ...(replace ? { replace } : {}) } satisfies UnitBatch)).units,
    startUnits: async (names) => (await data<{ units: UnitState[] }>('POST', '/v1/units/start', { names })).units,
    stopUnits: async (names) => (await data<{ units: UnitState[] }>('POST', '/v1/units/stop', { names })).units,
    removeUnits: async (names) => void (await data('POST', '/v1/units/remove', { names })),
    restartUnit: async (name) => (await data<{ unit: UnitState }>('POST', `/v1/units/${seg(name)}/restart`)).unit,
    stats: (options) => data<StatsReply>('GET', `/v1/stats${options?.intervalMs === undefined ? '' : `?interval_ms=${options.intervalMs}`}`),
    events: (signal) => transport.stream<EventStreamItem>('/v1/events', signal),
    unitLogs: (name, options = {}) => transport.stream<LogLine>(logsPath(name, options), options.signal),
    ready: () => transport.call<ReadyResponse>('GET', '/ready'),
    health: (options) => transport.call<HealthResponse>('GET', '/health', undefined, options),
    shutdown: async () => void (await transport.call('POST', '/v1/shutdown')),
    close: () => transport.close(),
  };
}

// `/files/<path>` with each segment encoded, as the 2.x client builds it.
function filePath(path: string): string {
  return `/files/${path.split('/').filter((s) => s !== '').map(encodeURIComponent).join('/')}`;
}

function logsPath(name: string, options: UnitLogOptions): string {
  const query = new URLSearchParams();
  if (options.stream) query.set('stream', options.stream);
  if (options.tail !== undefined) query.set('tail', String(options.tail));
  if (options.follow) query.set('follow', '1');
  const text = query.toString();
  return `/v1/units/${encodeURIComponent(name)}/logs${text ? `?${text}` : ''}`;
}
