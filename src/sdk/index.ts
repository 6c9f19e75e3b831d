// The SDK: the typed client of a sandbox daemon, and the local daemon's discovery and on-demand start.
export { connect, type RunCommandOptions, type SandboxClient, type UnitLogOptions } from './client.js';
export { SandboxApiError } from './errors.js';
export { ensureLocalDaemon, findLocalDaemon, type LocalDaemonOptions } from './local.js';
export { startLocalDaemon, type StartedDaemon } from './spawn-daemon.js';
export type { Endpoint } from './transport.js';
export type {
  CommandResult,
  EventStreamItem,
  FileInfo,
  HealthResponse,
  OverlayCreate,
  ReadyResponse,
  ServerInfo,
  ServerLogsInfo,
  ServerStartOptions,
  ServiceDefinition,
  ServiceInfo,
} from '../contract/wire.js';
