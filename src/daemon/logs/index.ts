// The daemon's log store: spool files written by units' processes, ingested into rotated structured logs.
export { LogStore, type LogStoreOptions } from './store.js';
