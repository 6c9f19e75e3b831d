// docker compose (`docker-compose.yml`, `compose.yaml`) → Draft. What compose does inside a container and compute
// cannot do with a process on this machine (images, builds, volumes, networks) becomes a note.
import { MAX_REPLICAS } from '../contract/replicas.js';
import { parseDuration } from './duration.js';
import { envEntries, isRecord, isServer, newUnit, type Draft, type DraftProbe, type DraftUnit, type NeedCondition } from './draft.js';
import { parsePorts } from './ports.js';
import { splitWords, wordsToShell } from './words.js';

const CONDITIONS: Record<string, NeedCondition> = {
  service_healthy: 'healthy',
  service_started: 'started',
  service_completed_successfully: 'completed',
};

// Why a key has no equivalent, where a few words help; any other key is noted by name alone.
const REASONS: Record<string, string> = {
  build: 'compute builds no images; it runs the command on this machine',
  volumes: 'units use the files of this machine; an overlay copies a folder into the sandbox',
  networks: 'everything runs on localhost',
  network_mode: 'everything runs on localhost',
  links: 'everything runs on localhost',
  extra_hosts: 'everything runs on localhost',
  hostname: 'everything runs on localhost',
  deploy: 'compute sets no resource limits or placement',
  container_name: 'units are named by their key',
};

// Keys whose meaning is in the converted fields or that need no note (an image with a command gets its own).
const HANDLED = new Set(['command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'working_dir', 'depends_on', 'healthcheck', 'restart', 'stop_grace_period', 'user', 'image', 'profiles', 'scale', 'deploy']);

// A profile name compute.yaml accepts (compose's own pattern is the same but for the length limit).
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Converts a parsed compose file. */
export function fromCompose(doc: Record<string, unknown>, from: string): Draft {
  const draft: Draft = { from, units: [], notes: [] };
  if (typeof doc.name === 'string') draft.name = doc.name;
  for (const key of Object.keys(doc)) {
    if (['name', 'services', 'version'].includes(key) || key.startsWith('x-')) continue;
    draft.notes.push(`top-level ${key}${REASONS[key] ? ` (${REASONS[key]})` : ''}`);
  }
  const services = isRecord(doc.services) ? doc.services : {};
  for (const [name, value] of Object.entries(services)) {
    const service = isRecord(value) ? value : {};
    const words = commandWords(service);
    if (words.length === 0) {
      const what = typeof service.image === 'string' ? `image ${service.image}` : service.build !== undefined ? 'a build' : 'nothing to run';
      draft.notes.push(`${name}: ${what} with no command (compute runs commands on this machine, not images)`);
      continue;
    }
    draft.units.push(serviceUnit(name, service, words));
  }
  return draft;
}

// The argv compose would run: entrypoint, then command; a string is split as compose splits it.
function commandWords(service: Record<string, unknown>): string[] {
  const words = (value: unknown) => (Array.isArray(value) ? value.map((w) => interpolation(String(w))) : typeof value === 'string' ? splitWords(interpolation(value)) : []);
  return [...words(service.entrypoint), ...words(service.command)];
}

/**
 * Compose interpolates `$VAR` as well as `${VAR}` everywhere; compute only `${VAR}` (a bare `$VAR` reaches the
 * shell), so bare ones are braced to keep compose's meaning. `$$` stays the escape for a literal `$` in both.
 */
export function interpolation(text: string): string {
  return text.replace(/\$(\$|[A-Za-z_][A-Za-z0-9_]*)/g, (match, name: string) => (name === '$' ? match : `\${${name}}`));
}

function serviceUnit(name: string, service: Record<string, unknown>, words: string[]): DraftUnit {
  const unit = newUnit(name);
  unit.words = words;
  if (typeof service.image === 'string') unit.notes.push(`image ${service.image} (the command runs on this machine, not in the image)`);
  for (const key of Object.keys(service)) {
    if (HANDLED.has(key) || key.startsWith('x-')) continue;
    unit.notes.push(`${key}${REASONS[key] ? ` (${REASONS[key]})` : ''}`);
  }
  if (service.environment !== undefined) unit.environment = envOf(service.environment);
  if (service.env_file !== undefined) envFiles(unit, service.env_file);
  ports(unit, service);
  if (typeof service.working_dir === 'string') unit.dir = service.working_dir;
  if (service.user !== undefined) unit.user = String(service.user);
  dependsOn(unit, service.depends_on);
  profiles(unit, service.profiles);
  replicas(unit, service);
  if (isRecord(service.healthcheck)) healthcheck(unit, service.healthcheck);
  restart(unit, service.restart);
  const grace = parseDuration(service.stop_grace_period);
  if (grace !== undefined) unit.stopTimeoutMs = grace;
  if (unit.user !== undefined && isServer(unit)) {
    unit.notes.push(`user ${unit.user} (only a service runs as another user)`);
    unit.user = undefined;
  }
  return unit;
}

function envOf(value: unknown): Record<string, string | number | boolean> {
  const entries = envEntries(value, (key) => `\${${key}}`);
  for (const [key, v] of Object.entries(entries)) if (typeof v === 'string') entries[key] = interpolation(v);
  return entries;
}

function envFiles(unit: DraftUnit, value: unknown): void {
  unit.envFile = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item === 'string') unit.envFile.push(item);
    else if (isRecord(item) && typeof item.path === 'string') {
      unit.envFile.push(item.path);
      if (item.required === false) unit.notes.push(`env_file ${item.path} required: false (compute needs every env_file to exist)`);
    }
  }
}

function ports(unit: DraftUnit, service: Record<string, unknown>): void {
  const listed = Array.isArray(service.ports) ? service.ports : [];
  const exposed = Array.isArray(service.expose) ? service.expose : [];
  const { port, rest } = parsePorts(listed.length > 0 ? listed : exposed);
  if (port !== undefined) unit.port = port;
  if (rest.length > 0 && port !== undefined) unit.portNote = `ports ${rest.join(', ')} (a unit has one port)`;
  if (rest.length > 0 && port === undefined) unit.notes.push(`ports ${rest.join(', ')} (not a TCP port compute can give)`);
}

function dependsOn(unit: DraftUnit, value: unknown): void {
  // The short form waits for the process to start, as compose's does (compute's short form waits for health).
  if (Array.isArray(value)) for (const name of value) unit.needs.set(String(name), { condition: 'started' });
  if (!isRecord(value)) return;
  for (const [name, spec] of Object.entries(value)) {
    const options = isRecord(spec) ? spec : {};
    const condition = CONDITIONS[String(options.condition ?? 'service_started')];
    if (condition === undefined) unit.notes.push(`depends_on ${name} condition ${String(options.condition)} (waiting for it to start instead)`);
    unit.needs.set(name, options.restart === true ? { condition: condition ?? 'started', restart: true } : { condition: condition ?? 'started' });
    if (options.required === false) unit.notes.push(`depends_on ${name} required: false (compute needs it)`);
  }
}

// `deploy.replicas` (or the older `scale`) is compute's `replicas`; the rest of `deploy` (resources, placement) is a note.
function replicas(unit: DraftUnit, service: Record<string, unknown>): void {
  const deploy = isRecord(service.deploy) ? service.deploy : {};
  const count = deploy.replicas ?? service.scale;
  if (typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= MAX_REPLICAS) unit.replicas = count;
  else if (count !== undefined) unit.notes.push(`replicas ${JSON.stringify(count)} (compute runs 0 to ${MAX_REPLICAS})`);
  const rest = Object.keys(deploy).filter((key) => key !== 'replicas');
  if (service.deploy !== undefined && (rest.length > 0 || !isRecord(service.deploy))) unit.notes.push(`deploy${rest.length > 0 ? ` ${rest.join(', ')}` : ''} (${REASONS.deploy})`);
}

function profiles(unit: DraftUnit, value: unknown): void {
  if (!Array.isArray(value)) return;
  const names = value.map(String);
  const kept = names.filter((name) => PROFILE_NAME.test(name));
  for (const name of names) if (!kept.includes(name)) unit.notes.push(`profile ${JSON.stringify(name)} (not a URL-safe name)`);
  if (kept.length > 0) unit.profiles = [...new Set(kept)];
}

function healthcheck(unit: DraftUnit, check: Record<string, unknown>): void {
  if (check.disable === true) return;
  const test = check.test;
  let exec: string | undefined;
  if (typeof test === 'string') exec = interpolation(test);
  else if (Array.isArray(test) && test[0] === 'CMD-SHELL') exec = interpolation(String(test[1] ?? ''));
  else if (Array.isArray(test) && test[0] === 'CMD') exec = wordsToShell(test.slice(1).map((w) => interpolation(String(w))));
  if (exec === undefined || exec.trim() === '') return;
  const probe: DraftProbe = { exec };
  timing(unit, probe, 'interval_ms', check.interval, 1);
  timing(unit, probe, 'timeout_ms', check.timeout, 1);
  timing(unit, probe, 'delay_ms', check.start_period, 0);
  // compose's retries is compute's failure_threshold: failures in a row before a healthy unit counts as unhealthy.
  const retries = Number(check.retries);
  if (Number.isInteger(retries) && retries >= 1 && retries <= 1000) probe.failure_threshold = retries;
  else if (check.retries !== undefined) unit.notes.push(`healthcheck.retries ${String(check.retries)}`);
  if (check.start_interval !== undefined) unit.notes.push('healthcheck.start_interval (compute probes at interval_ms from the start)');
  unit.health = probe;
  if (/https?:\/\/(localhost|127\.0\.0\.1|0\.0\.0\.0)/.test(exec)) unit.httpHealth = true;
}

function timing(unit: DraftUnit, probe: DraftProbe, key: 'interval_ms' | 'timeout_ms' | 'delay_ms', value: unknown, min: number): void {
  if (value === undefined) return;
  const ms = parseDuration(value);
  if (ms === undefined || ms < min) unit.notes.push(`healthcheck ${key.replace('_ms', '')} ${String(value)}`);
  else probe[key] = ms;
}

function restart(unit: DraftUnit, value: unknown): void {
  if (value === undefined || value === false || value === 'no') return;
  const text = String(value);
  const failure = /^on-failure(?::(\d+))?$/.exec(text);
  if (failure) {
    unit.restartPolicy = 'on-failure';
    if (failure[1] !== undefined) unit.maxRestarts = Number(failure[1]);
  } else if (text === 'always' || text === 'unless-stopped') {
    unit.restartPolicy = 'always';
  } else {
    unit.notes.push(`restart ${text}`);
  }
}
