// process-compose (`process-compose.yaml`) → Draft. Its processes are shell commands on this machine, as ours are;
// what it does beyond them (a liveness probe unlike the readiness one, thresholds, namespaces, its TUI and log settings)
// becomes a note.
import { MAX_REPLICAS } from '../contract/replicas.js';
import { secondsToMs } from './duration.js';
import { envEntries, isRecord, newUnit, type Draft, type DraftProbe, type DraftUnit, type NeedCondition } from './draft.js';

const CONDITIONS: Record<string, NeedCondition> = {
  process_healthy: 'healthy',
  process_log_ready: 'healthy',
  process_started: 'started',
  process_completed_successfully: 'completed',
};

const RESTARTS: Record<string, 'never' | 'on-failure' | 'always'> = { no: 'never', always: 'always', on_failure: 'on-failure' };

const HANDLED = new Set(['command', 'entrypoint', 'working_dir', 'environment', 'depends_on', 'readiness_probe', 'liveness_probe', 'availability', 'shutdown', 'description', 'ready_log_line', 'replicas']);

/** Converts a parsed process-compose file. */
export function fromProcessCompose(doc: Record<string, unknown>, from: string): Draft {
  // process-compose runs processes in (and relative to) its file's folder: that folder is the sandbox's root.
  const draft: Draft = { from, root: '.', units: [], notes: [] };
  if (doc.environment !== undefined) draft.envs = envEntries(doc.environment, (key) => `\${${key}}`);
  for (const key of Object.keys(doc)) {
    if (!['version', 'processes', 'environment'].includes(key) && !key.startsWith('x-')) draft.notes.push(`top-level ${key}`);
  }
  const processes = isRecord(doc.processes) ? doc.processes : {};
  for (const [name, value] of Object.entries(processes)) {
    const process = isRecord(value) ? value : {};
    const command = commandOf(process);
    if (command === undefined) draft.notes.push(`${name}: no command`);
    else draft.units.push(processUnit(name, process, command));
  }
  return draft;
}

// The exec form (`entrypoint`, a list) or the shell form (`command`, run by process-compose with a shell).
function commandOf(process: Record<string, unknown>): { words: string[] } | { shell: string } | undefined {
  if (Array.isArray(process.entrypoint) && process.entrypoint.length > 0) return { words: process.entrypoint.map(String) };
  return typeof process.command === 'string' && process.command.trim() !== '' ? { shell: process.command.trim() } : undefined;
}

function processUnit(name: string, process: Record<string, unknown>, command: { words: string[] } | { shell: string }): DraftUnit {
  const unit = { ...newUnit(name), ...command };
  for (const key of Object.keys(process)) {
    if (!HANDLED.has(key) && !key.startsWith('x-')) unit.notes.push(`${key}${key === 'disabled' && process.disabled === true ? ' (it starts with the others)' : ''}`);
  }
  if (typeof process.description === 'string') unit.description = process.description;
  if (typeof process.working_dir === 'string') unit.dir = process.working_dir;
  if (unit.dir?.startsWith('/')) unit.notes.push(`working_dir ${unit.dir} as a host folder (it is .${unit.dir} under the sandbox root)`);
  if (process.environment !== undefined) unit.environment = envEntries(process.environment, (key) => `\${${key}}`);
  dependsOn(unit, process.depends_on);
  if (isRecord(process.readiness_probe)) unit.health = probeOf(unit, process.readiness_probe, 'readiness_probe');
  else if (typeof process.ready_log_line === 'string') unit.health = { log: escapeRegExp(process.ready_log_line) };
  if (isRecord(process.liveness_probe)) liveness(unit, process.liveness_probe);
  else if (process.liveness_probe !== undefined) unit.notes.push(`liveness_probe ${JSON.stringify(process.liveness_probe)}`);
  if (isRecord(process.availability)) availability(unit, process.availability);
  if (isRecord(process.shutdown)) shutdown(unit, process.shutdown);
  if (typeof process.replicas === 'number' && Number.isInteger(process.replicas) && process.replicas >= 0 && process.replicas <= MAX_REPLICAS) unit.replicas = process.replicas;
  else if (process.replicas !== undefined) unit.notes.push(`replicas ${JSON.stringify(process.replicas)} (compute runs 0 to ${MAX_REPLICAS})`);
  return unit;
}

function dependsOn(unit: DraftUnit, value: unknown): void {
  if (!isRecord(value)) return;
  for (const [name, spec] of Object.entries(value)) {
    const condition = String((isRecord(spec) ? spec.condition : undefined) ?? 'process_started');
    const mapped = CONDITIONS[condition] ?? (condition === 'process_completed' ? 'completed' : 'started');
    if (!(condition in CONDITIONS)) unit.notes.push(`depends_on ${name} condition ${condition} (${condition === 'process_completed' ? 'waiting for it to exit 0' : 'waiting for it to start'})`);
    unit.needs.set(name, { condition: mapped });
  }
}

// A liveness probe is compute's health check with `on_unhealthy: restart`. compute has one check per unit, so one
// that differs from the readiness probe is a note (the readiness probe is kept and restarts nothing).
function liveness(unit: DraftUnit, probe: Record<string, unknown>): void {
  if (unit.health === undefined) {
    const check = probeOf(unit, probe, 'liveness_probe');
    if (check) unit.health = { ...check, on_unhealthy: 'restart', ...threshold(probe) };
    return;
  }
  const ready = unit.health;
  const sameCheck = isRecord(probe.exec) ? ready.exec === probe.exec.command : isRecord(probe.http_get) && ready.path === (probe.http_get.path ?? '/');
  if (!sameCheck) {
    unit.notes.push(`liveness_probe ${JSON.stringify(probe)} (compute has one health check per unit: the readiness probe is kept, and it restarts nothing)`);
    return;
  }
  unit.health = { ...ready, on_unhealthy: 'restart', ...threshold(probe) };
  const timing = ['initial_delay_seconds', 'period_seconds', 'timeout_seconds', 'success_threshold'].filter((key) => probe[key] !== undefined);
  for (const key of timing) unit.notes.push(`liveness_probe.${key} (the one check keeps the readiness probe's timing)`);
}

function threshold(probe: Record<string, unknown>): { failure_threshold?: number } {
  const count = Number(probe.failure_threshold);
  return Number.isInteger(count) && count >= 1 && count <= 1000 ? { failure_threshold: count } : {};
}

// The probe as a health check (exec or http_get), or undefined with a note when it has neither.
function probeOf(unit: DraftUnit, probe: Record<string, unknown>, key: 'readiness_probe' | 'liveness_probe'): DraftProbe | undefined {
  const health: DraftProbe = {};
  if (isRecord(probe.exec) && typeof probe.exec.command === 'string') {
    health.exec = probe.exec.command;
  } else if (isRecord(probe.http_get)) {
    const http = probe.http_get;
    health.path = typeof http.path === 'string' && http.path.startsWith('/') ? http.path : '/';
    const port = Number(http.port);
    if (Number.isInteger(port) && port >= 1 && port <= 65535) unit.port = port;
    unit.httpHealth = true;
    const host = http.host === undefined ? 'localhost' : String(http.host);
    if (!['localhost', '127.0.0.1', '0.0.0.0'].includes(host)) unit.notes.push(`${key}.http_get.host ${host} (the probe asks localhost)`);
    if (http.scheme !== undefined && http.scheme !== 'http') unit.notes.push(`${key}.http_get.scheme ${String(http.scheme)}`);
  } else {
    unit.notes.push(`${key} with neither exec nor http_get`);
    return undefined;
  }
  setMs(health, 'delay_ms', probe.initial_delay_seconds, 0);
  setMs(health, 'interval_ms', probe.period_seconds, 1);
  setMs(health, 'timeout_ms', probe.timeout_seconds, 1);
  if (key === 'readiness_probe') {
    for (const name of ['success_threshold', 'failure_threshold']) if (probe[name] !== undefined) unit.notes.push(`readiness_probe.${name} (compute probes until the unit is ready)`);
  } else if (probe.success_threshold !== undefined) unit.notes.push('liveness_probe.success_threshold');
  return health;
}

function setMs(health: DraftProbe, key: 'delay_ms' | 'interval_ms' | 'timeout_ms', seconds: unknown, min: number): void {
  const ms = secondsToMs(seconds);
  if (ms !== undefined && ms >= min) health[key] = ms;
}

function availability(unit: DraftUnit, value: Record<string, unknown>): void {
  const restart = String(value.restart ?? 'no');
  const policy = RESTARTS[restart];
  if (policy === undefined) unit.notes.push(`availability.restart ${restart}${restart === 'exit_on_failure' ? ' (compute does not stop the others when a unit fails)' : ''}`);
  else if (policy !== 'never') unit.restartPolicy = policy;
  if (restart === 'exit_on_failure') unit.restartPolicy = undefined;
  const max = Number(value.max_restarts);
  if (Number.isInteger(max) && max > 0) unit.maxRestarts = max;
  const delay = secondsToMs(value.backoff_seconds);
  if (delay !== undefined) unit.restartDelayMs = delay;
  if (value.exit_on_end !== undefined) unit.notes.push('availability.exit_on_end');
}

function shutdown(unit: DraftUnit, value: Record<string, unknown>): void {
  const timeout = secondsToMs(value.timeout_seconds);
  if (timeout !== undefined) unit.stopTimeoutMs = timeout;
  for (const key of ['command', 'signal', 'parent_only']) if (value[key] !== undefined) unit.notes.push(`shutdown.${key} (compute stops a unit with SIGTERM to its process group)`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
