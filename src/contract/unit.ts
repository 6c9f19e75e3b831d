// The unit model shared by every layer: what a unit is asked to be (UnitSpec) and what it is (UnitState).
// Servers and services are two YAML sections over this one model (DESIGN.md §3).
import type { UnitReason } from './reason.js';

/** Which YAML section a unit came from. */
export type UnitKind = 'server' | 'service';

/** When a unit is restarted after its process exits. */
export type RestartPolicy = 'never' | 'on-failure' | 'always';

/** What a dependent waits for before it starts: `healthy` (ready), `started` (running), `completed` (exited 0). */
export type NeedCondition = 'healthy' | 'started' | 'completed';

/** One entry of a unit's `needs`, in long form. */
export interface Need {
  condition: NeedCondition;
  /** Restart the dependent when this need is replaced. */
  restart: boolean;
  /**
   * The replicated unit this entry is one replica of, when the dependent waits for any one of them (`condition:
   * started`): the needs sharing an `any` are met together as soon as one of them is. Absent: this need must be met.
   */
  any?: string;
}

/** Probe timing shared by every kind of health check, in milliseconds. */
export interface ProbeTiming {
  intervalMs: number;
  timeoutMs: number;
  delayMs: number;
}

/** What a failing check does: how many failures in a row make a ready unit unhealthy (default 3), and whether an
 *  unhealthy unit is restarted (a liveness check) or kept running and reported (default). */
export interface ProbePolicy {
  failureThreshold?: number;
  onUnhealthy?: 'keep' | 'restart';
}

/** A health check: HTTP GET on the unit's port, TCP connect, a log line matching a regex, or a command exiting 0. */
export type HealthCheck =
  | ({ type: 'http'; path: string; port?: number } & ProbeTiming & ProbePolicy)
  | ({ type: 'tcp'; port: number } & ProbeTiming & ProbePolicy)
  | ({ type: 'log'; pattern: string } & ProbeTiming & ProbePolicy)
  | ({ type: 'exec'; command: string } & ProbeTiming & ProbePolicy);

/** Everything the daemon needs to run one unit; produced by config/ (or a 2.x client) and sent to the daemon. */
export interface UnitSpec {
  name: string;
  kind: UnitKind;
  /** Servers: a shell command run with `/bin/sh -c`. Services: the program and its arguments, run without a shell. */
  command: string | string[];
  /** A shell command run to completion in `cwd` before `command`; a non-zero exit fails the unit. */
  install?: string;
  /** Working directory as a sandbox path (absolute, e.g. `/app`); it lives under the sandbox root. */
  cwd: string;
  /** Requested port, passed to the process as `PORT`. */
  port?: number;
  /** Fail instead of taking the next free port when `port` is taken. */
  strictPort: boolean;
  /** The merged environment (sandbox envs < env_file < inline); the daemon adds `PORT`. */
  env: Record<string, string>;
  /** A sandbox path of a .env file read at start, under `env` (used by 2.x clients; config/ merges its own). */
  envFile?: string;
  /** Unix user to run the process as (services). */
  user?: string;
  restartPolicy: RestartPolicy;
  /** 0 = unlimited. */
  maxRestarts: number;
  /** The first restart delay; each restart after it doubles it, up to restartMaxDelayMs. */
  restartDelayMs: number;
  /** The longest restart delay (default 30 s). */
  restartMaxDelayMs?: number;
  /** A run this long resets the delay to restartDelayMs (default 60 s). */
  restartResetMs?: number;
  /** Without a health check, a unit is ready once it has stayed up this long (default 1 s; 0: at once). */
  minUptimeMs?: number;
  stopTimeoutMs: number;
  healthCheck?: HealthCheck;
  /** Units that must reach a condition before this one starts, by name. */
  needs: Record<string, Need>;
  /** Overlay ids that must be complete before this unit starts. */
  overlays: string[];
  /** Free-form labels; `compute.project` marks the project that created the unit. */
  labels: Record<string, string>;
  /** Stable hash of exactly the fields whose change needs a restart (computed by config/). */
  hash: string;
}

/** Lifecycle states of a unit (DESIGN.md §3). */
export type UnitStatus =
  | 'pending'
  | 'installing'
  | 'starting'
  | 'running'
  | 'ready'
  | 'restarting'
  | 'stopped'
  | 'failed'
  | 'completed';

/** Every unit status, in lifecycle order. */
export const UNIT_STATUSES: readonly UnitStatus[] = [
  'pending',
  'installing',
  'starting',
  'running',
  'ready',
  'restarting',
  'stopped',
  'failed',
  'completed',
];

/** Result of the health check, when the unit has one. */
export type HealthStatus = 'checking' | 'healthy' | 'unhealthy';

/** What a unit is now, as the daemon reports it. Timestamps are ISO 8601. */
export interface UnitState {
  name: string;
  kind: UnitKind;
  spec: UnitSpec;
  status: UnitStatus;
  /** Why the unit is in this status, as data (the CLI renders it). */
  reason?: UnitReason;
  pid?: number;
  /** Port in use: the assigned one, or the one detected from the process tree. */
  port?: number;
  url?: string;
  exitCode: number | null;
  restartCount: number;
  healthy?: boolean;
  healthStatus?: HealthStatus;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
  /** When the current process was spawned. */
  startedAt?: string;
  /** When the unit last became ready (or completed). */
  readyAt?: string;
}

/** A change of a unit's status, emitted for every transition. */
export interface UnitEvent {
  ts: string;
  unit: string;
  from: UnitStatus;
  to: UnitStatus;
  reason?: UnitReason;
}

/** The label that names the project a unit belongs to. */
export const PROJECT_LABEL = 'compute.project';

/** The label that names the unit of the file a replica (`web-2` of `replicas: 3`) was made from. */
export const REPLICA_LABEL = 'compute.replica_of';
