// The SDK: the typed client of a sandbox daemon, and the local daemon's discovery and on-demand start.
import type { LocalDaemonOptions, StartedDaemon } from './spawn-daemon.js';

export { connect, type RunCommandOptions, type SandboxClient, type UnitLogOptions } from './client.js';
export { SandboxApiError } from './errors.js';
export { ensureLocalDaemon, findLocalDaemon, type LocalDaemonOptions } from './local.js';
export type { StartedDaemon } from './spawn-daemon.js';
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

/** Starts a daemon for a state folder in the background (see spawn-daemon.ts), loading the spawning code first. */
export async function startLocalDaemon(options: LocalDaemonOptions): Promise<StartedDaemon> {
  return (await import('./spawn-daemon.js')).startLocalDaemon(options);
}
