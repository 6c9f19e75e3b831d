// The daemon's log store: spool files written by units' processes, indexed into rotated per-unit indexes.
export { LogStore, type LogStoreOptions } from './store.js';
