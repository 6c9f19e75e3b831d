// Ports for units: allocation of a requested port (strict or not), and detection of the port a unit listens on.
export { PortInUseError, allocatePort, isPortFree } from './allocate.js';
export { detectListeningPorts, processGroupPids } from './detect.js';
export { listeningSockets, parseProcNetTcp } from './proc-net.js';
export type { ListeningSocket } from './proc-net.js';
