// The daemon's wire types: request bodies and replies of its HTTP API, shared by the routes and the SDK client.
// Servers use the ComputeSDK 2.x names (snake_case) so that the real computesdk@2.5.4 client works unchanged.
import type { UnitReason } from './reason.js';
import type { NeedCondition, RestartPolicy, UnitEvent, UnitSpec, UnitState } from './unit.js';

/** A stream a unit's output can be read from. */
export type LogStream = 'combined' | 'stdout' | 'stderr';

/** One line of a unit's output. `ts` is milliseconds since the epoch, when the daemon read it. */
export interface LogLine {
  ts: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** How to read a unit's logs: which stream, only the last `tail` lines, and whether to keep following. */
export interface LogQuery {
  stream: LogStream;
  tail?: number;
}

/** The reply envelope of every route but /ready and /health. */
export interface Envelope<T> {
  status: 'success';
  message: string;
  data: T;
}

/** The body of every non-2xx reply. */
export interface ErrorBody {
  error: string;
}

/** A health check in request bodies: `path` → HTTP, `port` alone → TCP, `log` → log line regex, `exec` → command. */
export interface WireHealthCheck {
  path?: string;
  port?: number;
  log?: string;
  exec?: string;
  interval_ms?: number;
  timeout_ms?: number;
  delay_ms?: number;
  /** Failures in a row that make a ready unit unhealthy (default 3). */
  failure_threshold?: number;
  /** `restart`: an unhealthy unit is restarted (a liveness check); `keep` (default): it runs on and is reported. */
  on_unhealthy?: 'keep' | 'restart';
}

/** POST /filesystem/overlays: 2.x CreateOverlayOptions (id defaults to one derived from the target; strategy smart). */
export interface OverlayCreate {
  id?: string;
  /** Absolute host path of the template folder. */
  source: string;
  /** Sandbox path (relative paths are taken from `/`). */
  target: string;
  strategy?: 'copy' | 'smart';
  ignore?: string[];
  /** Extra folder names that `smart` symlinks. */
  symlinkDirs?: string[];
  labels?: Record<string, string>;
}

/** The restart policy and its timing, named alike in POST /servers and PUT /v1/services (contract/fields.ts POLICY_FIELDS). */
export interface WireRestartPolicy {
  restart_policy?: RestartPolicy;
  max_restarts?: number;
  restart_delay_ms?: number;
  restart_max_delay_ms?: number;
  restart_reset_ms?: number;
  min_uptime_ms?: number;
  stop_timeout_ms?: number;
}

/** ComputeSDK 2.x `ServerStartOptions`: the body of POST /servers. */
export interface ServerStartOptions extends WireRestartPolicy {
  slug: string;
  start: string;
  install?: string;
  path?: string;
  env_file?: string;
  environment?: Record<string, string>;
  port?: number;
  strict_port?: boolean;
  /** Accepted for compatibility; every server of this daemon starts when created and is adopted on daemon restart. */
  autostart?: boolean;
  /** Overlay ids this server waits for. */
  depends_on?: string[];
  /** Overlays created before the server starts; it waits for their copies. */
  overlay?: OverlayCreate;
  overlays?: OverlayCreate[];
  health_check?: WireHealthCheck;
}

/** 2.x server statuses; ours map onto them (pending → starting, completed → stopped). */
export type ServerStatus = 'installing' | 'starting' | 'running' | 'ready' | 'failed' | 'stopped' | 'restarting';

/** 2.x `HealthCheckStatus`. */
export interface WireHealthStatus {
  last_check?: string;
  last_status?: number;
  consecutive_failures: number;
}

/** 2.x `ServerInfo`: restart_delay and stop_timeout are in nanoseconds, as the 2.x daemon reports them. */
export interface ServerInfo {
  slug: string;
  install?: string;
  start: string;
  path: string;
  env_file?: string;
  environment?: Record<string, string>;
  strict_port?: boolean;
  depends_on?: string[];
  port?: number;
  url?: string;
  status: ServerStatus;
  pid?: number;
  restart_policy?: RestartPolicy;
  max_restarts?: number;
  restart_delay?: number;
  stop_timeout?: number;
  restart_count?: number;
  exit_code?: number | null;
  health_check?: WireHealthCheck;
  healthy?: boolean;
  health_status?: WireHealthStatus;
  /** Our addition: why the server is in this status, as data (e.g. a failed install's exit and output). */
  reason?: UnitReason;
  created_at: string;
  updated_at: string;
}

/** A stream of a server's logs, as 2.x names it. */
export type ServerLogStream = 'stdout' | 'stderr' | 'combined';

/** `data` of GET /servers/:slug/logs. */
export interface ServerLogsInfo {
  slug: string;
  stream: ServerLogStream;
  logs: string;
}

/** One server in the /ready reply. */
export interface ReadyServer {
  slug: string;
  port?: number;
  url?: string;
  status: ServerStatus;
  healthy?: boolean;
  health_check?: WireHealthStatus;
}

/** One overlay in the /ready reply. */
export interface ReadyOverlay {
  id: string;
  source: string;
  target: string;
  copy_status: string;
}

/** GET /ready (no envelope): `ready` when every active server has its URL and none failed. */
export interface ReadyResponse {
  ready: boolean;
  healthy: boolean;
  servers: ReadyServer[];
  overlays: ReadyOverlay[];
}

/** GET /health (no envelope, no token needed). */
export interface HealthResponse {
  status: 'ok';
  timestamp: string;
  /** Our addition, present when there is any: what keeps the daemon from doing all of its job (it still supervises). */
  problems?: DaemonProblem[];
  /**
   * Our addition: the units whose log indexing is paused because the disk of the state folder is full (their output
   * meanwhile is not kept; a marker line in each unit's log says so once there is room). Absent when there are none.
   */
  logs_disk_full?: string[];
}

/** A condition the daemon lives with and retries, e.g. a state file it cannot write because the disk is full. */
export interface DaemonProblem {
  /** `state-write`: a state file cannot be written; the daemon retries with backoff and catches up when it can. */
  kind: 'state-write';
  /** The file concerned. */
  path: string;
  /** The error code: ENOSPC (disk full), EDQUOT (quota), EIO, EACCES, ... */
  code: string;
  message: string;
  /** When the first failed attempt was (ISO 8601). */
  since: string;
  /** Failed attempts so far. */
  attempts: number;
}

/** A need in the services API: a list of names (each waits until healthy) or a map with a condition per need. */
export type WireNeeds = string[] | Record<string, { condition?: NeedCondition; restart?: boolean }>;

/** The body of PUT /v1/services/{name}. */
export interface ServiceDefinition extends WireRestartPolicy {
  cmd: string;
  args?: string[];
  env?: Record<string, string>;
  env_file?: string;
  working_dir?: string;
  user?: string;
  health_port?: number;
  health_check?: WireHealthCheck;
  needs?: WireNeeds;
}

/** The seed API's view of a unit's status: running covers pending through ready and restarting. */
export type ServiceStatus = 'running' | 'stopped' | 'failed' | 'unknown';

/** A service as the services API reports it. */
export interface ServiceInfo {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  working_dir: string;
  user: string | null;
  health_port: number | null;
  needs: WireNeeds;
  status: ServiceStatus;
  pid: number | null;
  healthy: boolean | null;
  restart_count: number;
  exit_code: number | null;
  /** Our addition: why the service is in this status, as data. */
  reason?: UnitReason;
  created_at: string;
  updated_at: string;
}

/** PUT /v1/units: specs to define or update, and which of them the plan replaces (a new process for an active one).
 *  Without `replace`, the daemon compares restart hashes itself. */
export interface UnitBatch {
  units: UnitSpec[];
  replace?: string[];
}

/** GET /v1/units/:name/place: where a command run in a unit's place starts (host folder of the daemon's machine, the
 *  unit's environment with its PORT and without the unit markers, the unit's user ids when it has a user). */
export interface UnitPlace {
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** One line of GET /v1/events: first a snapshot, then one line per change. */
export type EventStreamItem =
  | { type: 'snapshot'; units: UnitState[] }
  | { type: 'event'; event: UnitEvent; state: UnitState };

/** One running unit's resource use, summed over its processes (GET /v1/stats). */
export interface UnitStats {
  name: string;
  /** Its main process. */
  pid: number;
  /** Its live processes: the main one and every descendant, or every member of its cgroup when it has one. */
  processes: number;
  /** Their resident memory, summed (VmRSS: a page shared by two of them counts twice, as `ps` counts it). */
  rss_bytes: number;
  /** The CPU time they used, and their ended children that they waited for, since they started. */
  cpu_ms: number;
  /** CPU use over the reply's `interval_ms`, 100 = one core busy; null with interval 0, or when the main process
   *  changed between the two samples (a restart). */
  cpu_percent: number | null;
}

/** `data` of GET /v1/stats?interval_ms=N: each running unit, sampled twice N ms apart (default 250). */
export interface StatsReply {
  interval_ms: number;
  units: UnitStats[];
}

/** One line of GET /v1/units/:name/logs. */
export type LogStreamItem = LogLine;

/** Where a running daemon can be reached: `<state>/daemon.json`, written once it answers. */
export interface DaemonInfo {
  pid: number;
  socket: string;
  /** The TCP URL, when the daemon was started with --listen. */
  url?: string;
  started_at: string;
  /** The sandbox root it serves. */
  root: string;
}

/** POST /run/command: a shell command run once in the sandbox (2.x names; `timeout` in seconds, ours). */
export interface CommandRequest {
  command: string;
  /** Sandbox folder to run in (default `/`, the sandbox root). */
  cwd?: string;
  /** Variables added to the daemon's environment. */
  env?: Record<string, string>;
  /** Reply at once with the command's id; wait with GET /terminals/exec/commands/:id/wait. */
  background?: boolean;
  /** Seconds until the command's process group is killed (the reply then says `timed_out: true`, exit_code 124). */
  timeout?: number;
  /** The shell that runs `command` with `-c` (default /bin/sh). */
  shell?: string;
  /** Streaming over WebSocket (2.x); not supported here (501). */
  stream?: boolean;
}

/** How a command is doing: running, exited 0 (`completed`), or exited otherwise, killed or timed out (`failed`). */
export type CommandStatus = 'running' | 'completed' | 'failed';

/** `data` of POST /run/command and of the /terminals/exec/commands routes (2.x CommandExecutionResponse fields). */
export interface CommandResult {
  /** Background commands only: the ids to wait on (GET /terminals/{terminal_id}/commands/{cmd_id}/wait). */
  cmd_id?: string;
  terminal_id?: string;
  command: string;
  status: CommandStatus;
  stdout: string;
  stderr: string;
  /** Once finished: the exit status (128 + signal number when killed by a signal, 124 when timed out). */
  exit_code?: number;
  duration_ms?: number;
  started_at: string;
  finished_at?: string;
  /** Our additions: the process (group) id, and whether it timed out or its output was cut at the capture limit. */
  pid?: number;
  timed_out?: boolean;
  stdout_truncated?: boolean;
  stderr_truncated?: boolean;
}

/** A file or folder as the 2.x files API reports it; `path` is the sandbox path. */
export interface FileInfo {
  name: string;
  path: string;
  size: number;
  is_dir: boolean;
  modified_at: string;
  /** Our addition: the entry is a symlink (not followed; `is_dir` and `size` are the link's own). */
  is_symlink?: boolean;
}

/** `data` of GET /files?path=. */
export interface FileList {
  path: string;
  files: FileInfo[];
}

/** `data` of GET /files/<path> (content with `?content=true`) and of POST /files. */
export interface FileReply {
  file: FileInfo;
  content?: string;
}

/** POST /files: write a UTF-8 file (created with its parent folders, or replaced). */
export interface FileWrite {
  path: string;
  content?: string;
}
