// The unit supervisor of the local sandbox daemon.
export { createSupervisor, type OverlayGate, type SupervisorOptions } from './supervisor.js';
export type { UnitLogs, Log } from './deps.js';
