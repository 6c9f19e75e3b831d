// Writes a Draft as compute.yaml text, through the yaml package's Document so that the notes of what did not
// convert stay beside the units they are about.
import { Document, isMap, isScalar, isSeq, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { ConvertError, isServer, type Draft, type DraftUnit } from './draft.js';
import { shellToWords, wordsToShell } from './words.js';

type Fields = Record<string, unknown>;

/** The compute.yaml text of a converted file, with a header and `# not converted: ...` comments. */
export function emit(draft: Draft): string {
  const units = withSlugs(draft);
  if (units.length === 0) throw new ConvertError(`nothing to convert: ${draft.notes.join('; ') || 'the file has no units'}`);
  const servers: Record<string, Fields> = {};
  const services: Record<string, Fields> = {};
  for (const unit of units) {
    if (isServer(unit)) servers[unit.name] = serverFields(unit);
    else services[unit.name] = serviceFields(unit);
  }
  const top: Fields = {};
  if (draft.name !== undefined) top.name = slug(draft.name.toLowerCase());
  if (draft.name !== undefined && top.name !== draft.name) draft.notes.unshift(`name ${JSON.stringify(draft.name)} (renamed ${String(top.name)}: names are URL-safe)`);
  const sandbox = compact({ root: draft.root, envs: draft.envs });
  if (Object.keys(sandbox).length > 0) top.sandbox = sandbox;
  if (Object.keys(servers).length > 0) top.servers = servers;
  if (Object.keys(services).length > 0) top.services = services;
  const doc = new Document(top);
  doc.commentBefore = [` Converted from ${draft.from} by \`compute convert\`.`, ...draft.notes.map((n) => ` not converted: ${n}`)].join('\n');
  for (const unit of units) decorate(doc, unit);
  return doc.toString({ lineWidth: 0 });
}

function serverFields(u: DraftUnit): Fields {
  return compact({
    description: u.description,
    start: u.shell ?? wordsToShell(u.words ?? []),
    path: u.dir,
    port: u.port,
    environment: u.environment,
    env_file: envFile(u),
    ...restartFields(u),
    health_check: u.health,
    needs: needs(u),
    replicas: u.replicas,
    profiles: u.profiles,
  });
}

function serviceFields(u: DraftUnit): Fields {
  const [cmd, ...args] = u.words ?? shellToWords(u.shell ?? '');
  return compact({
    description: u.description,
    cmd,
    args: args.length > 0 ? args : undefined,
    working_dir: u.dir,
    user: u.user,
    env: u.environment,
    env_file: envFile(u),
    ...restartFields(u),
    health_check: u.health,
    needs: needs(u),
    replicas: u.replicas,
    profiles: u.profiles,
  });
}

function restartFields(u: DraftUnit): Fields {
  return {
    restart_policy: u.restartPolicy,
    max_restarts: u.maxRestarts,
    restart_delay_ms: u.restartDelayMs,
    stop_timeout_ms: u.stopTimeoutMs,
  };
}

function envFile(u: DraftUnit): string | string[] | undefined {
  if (!u.envFile || u.envFile.length === 0) return undefined;
  return u.envFile.length === 1 ? u.envFile[0] : u.envFile;
}

function needs(u: DraftUnit): Fields | undefined {
  if (u.needs.size === 0) return undefined;
  const out: Fields = {};
  for (const [name, need] of u.needs) out[name] = need.restart ? { condition: need.condition, restart: true } : { condition: need.condition };
  return out;
}

// Without the keys whose value is undefined or an empty map, so they are not written.
function compact(fields: Fields): Fields {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)),
  );
}

// Names made URL-safe and unique; needs renamed with them, and needs on units that were not converted dropped.
function withSlugs(draft: Draft): DraftUnit[] {
  const rename = new Map<string, string>();
  const taken = new Set<string>();
  for (const unit of draft.units) {
    const base = slug(unit.name);
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
    taken.add(name);
    rename.set(unit.name, name);
  }
  return draft.units.map((unit) => {
    const notes = [...unit.notes];
    const renamed = rename.get(unit.name) as string;
    if (renamed !== unit.name) notes.unshift(`name ${JSON.stringify(unit.name)} (renamed ${renamed}: names are URL-safe)`);
    const kept = new Map<string, { condition: 'healthy' | 'started' | 'completed'; restart?: boolean }>();
    for (const [name, need] of unit.needs) {
      const target = rename.get(name);
      if (target === undefined) notes.push(`needs ${name} (${name} was not converted)`);
      else kept.set(target, need);
    }
    return { ...unit, name: renamed, needs: kept, notes };
  });
}

// A name as compute.yaml allows it: URL-safe, starting with a letter or digit, at most 63 characters.
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'unit';
}

// The unit's notes above its name, the port note beside its port, and short lists on one line.
function decorate(doc: Document, unit: DraftUnit): void {
  const section = doc.get(isServer(unit) ? 'servers' : 'services', true) as YAMLMap;
  const pair = section.items.find((p) => isScalar(p.key) && p.key.value === unit.name) as Pair<Scalar, YAMLMap> | undefined;
  if (!pair) return;
  if (unit.notes.length > 0) pair.key.commentBefore = unit.notes.map((n) => ` not converted: ${n}`).join('\n');
  const fields = pair.value;
  if (!isMap(fields)) return;
  for (const item of fields.items) {
    const key = isScalar(item.key) ? item.key.value : undefined;
    if (key === 'port' && unit.portNote && isScalar(item.value)) item.value.comment = ` not converted: ${unit.portNote}`;
    if ((key === 'args' || key === 'env_file' || key === 'profiles') && isSeq(item.value) && item.value.items.length <= 6) item.value.flow = true;
    if (key === 'needs' && isMap(item.value)) for (const need of item.value.items) if (isMap(need.value)) need.value.flow = true;
  }
}
