// The merged, schema-checked document → a typed Spec: defaults filled, env merged, overlays linked, hashes computed.
import { basename } from 'node:path';
import { PROJECT_LABEL, REPLICA_LABEL, type UnitKind, type UnitSpec } from '../contract/unit.js';
import { checkStrictPorts, checkUnits } from './checks.js';
import { at, atKey, envString, failedAt, record, type Context } from './context.js';
import { restartHash } from '../contract/hash.js';
import { isMap, type ValueMap } from './located.js';
import { OverlayIndex, readOverlays } from './overlays.js';
import { dotted } from './schema.js';
import type { ProviderName, SandboxSpec, Spec } from '../contract/spec.js';
import { didYouMean } from './suggest.js';
import { expandReplicas, replicaCounts } from './replicas.js';
import { readUnit, type UnitDraft } from './units.js';

/** Where the Spec's files are: compose files in merge order, and the other inputs read. */
export interface SpecFiles {
  files: string[];
  projectDir: string;
  inputs: string[];
}

/**
 * Builds the Spec from a document whose shape was checked; reports every semantic error found on the way. `scale`
 * (`--scale NAME=N`) overrides units' `replicas`.
 */
export function normalise(doc: ValueMap, files: SpecFiles, ctx: Context, scale: Readonly<Record<string, number>> = {}): Spec {
  const name = typeof doc.name === 'string' && !failedAt(ctx, ['name']) ? doc.name : projectSlug(basename(files.projectDir));
  const labels = { [PROJECT_LABEL]: name };
  const sandbox = readSandbox(doc.sandbox, ctx);
  const overlays = readOverlays(doc.overlays, labels, ctx);
  const { drafts, names } = readUnits(doc, sandbox.envs, ctx);
  checkUnits(drafts, names, ctx);
  const overlayIds = overlays.ids;
  for (const draft of drafts.values()) {
    if (draft.overlay === undefined || overlayIds.has(draft.overlay)) continue;
    const hint = didYouMean(draft.overlay, overlayIds);
    ctx.diags.error(at(ctx, [...draft.keys, 'overlay']), `${dotted([...draft.keys, 'overlay'])}: overlay \`${draft.overlay}\` is not defined in \`overlays\`${hint}`);
  }
  const counts = replicaCounts(drafts, scale);
  const running = expandReplicas(drafts, names, counts, ctx);
  checkStrictPorts(running, ctx);
  const index = new OverlayIndex(overlays.specs);
  const units: Record<string, UnitSpec> = {};
  // A Spec with errors is dropped by loadConfig: hashing its units was a tenth of refusing a 1 MB file.
  const hashed = ctx.restartHashes !== false && ctx.diags.errors.length === 0;
  for (const draft of running.values()) {
    const spec = draft.spec;
    spec.overlays = [...new Set([...(draft.overlay !== undefined ? [draft.overlay] : []), ...index.containing(spec.cwd)])];
    spec.labels = draft.replicaOf === undefined ? { ...labels } : { ...labels, [REPLICA_LABEL]: draft.replicaOf };
    spec.hash = hashed ? restartHash(spec) : '';
    units[spec.name] = spec;
  }
  const spec: Spec = { name, files: files.files, projectDir: files.projectDir, sandbox, overlays: overlays.specs, units, inputs: files.inputs };
  if (counts.size > 0) spec.replicas = Object.fromEntries(counts);
  return spec;
}

/** A folder name as a project name: lower case, runs of other characters as `-`, at most 63 characters. */
export function projectSlug(folder: string): string {
  const slug = folder
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63)
    .replace(/[-_.]+$/, '');
  return slug === '' ? 'project' : slug;
}

function readSandbox(raw: ValueMap[string] | undefined, ctx: Context): SandboxSpec {
  const sandbox: SandboxSpec = { provider: 'local', envs: {}, metadata: {}, headers: {}, options: {}, create: {} };
  if (!isMap(raw) || failedAt(ctx, ['sandbox'])) return sandbox;
  if (typeof raw.provider === 'string') sandbox.provider = readProvider(raw.provider, ctx);
  if (typeof raw.name === 'string') sandbox.name = raw.name;
  if (typeof raw.namespace === 'string') sandbox.namespace = raw.namespace;
  if (typeof raw.root === 'string') sandbox.root = raw.root;
  if (typeof raw.timeout_ms === 'number') sandbox.timeoutMs = raw.timeout_ms;
  if (isMap(raw.envs)) sandbox.envs = record(Object.entries(raw.envs).map(([k, v]) => [k, envString(v)]));
  if (isMap(raw.metadata)) sandbox.metadata = record(Object.entries(raw.metadata).map(([k, v]) => [k, envString(v)]));
  if (isMap(raw.headers)) sandbox.headers = record(Object.entries(raw.headers).map(([k, v]) => [k, envString(v)]));
  if (isMap(raw.options)) sandbox.options = plain(raw.options) as Record<string, unknown>;
  if (isMap(raw.create)) sandbox.create = plain(raw.create) as Record<string, unknown>;
  return sandbox;
}

// `computesdk` passed the old enum and never worked: it is the client package, not a provider.
function readProvider(provider: string, ctx: Context): ProviderName {
  if (provider === 'computesdk') {
    ctx.diags.error(at(ctx, ['sandbox', 'provider']), 'sandbox.provider: `computesdk` is the client, not a provider: name one, such as `e2b` (the package @computesdk/e2b), or use `bwrap` or `local`');
  }
  return provider;
}

// The document's maps and lists as plain JSON values (a provider gets them as they are written).
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, plain(child)]));
  return value;
}

// Servers then services; a name may be used once across both. Units with schema errors are named but not read.
function readUnits(doc: ValueMap, sandboxEnvs: Record<string, string>, ctx: Context): { drafts: Map<string, UnitDraft>; names: Set<string> } {
  const drafts = new Map<string, UnitDraft>();
  const names = new Set<string>();
  const sections: [UnitKind, 'servers' | 'services'][] = [
    ['server', 'servers'],
    ['service', 'services'],
  ];
  for (const [kind, section] of sections) {
    const units = doc[section];
    if (!isMap(units)) continue;
    for (const [name, raw] of Object.entries(units)) {
      if (names.has(name)) {
        ctx.diags.error(atKey(ctx, [section, name]), `\`${name}\` is already the name of a server; a name is used once across servers and services`);
        continue;
      }
      names.add(name);
      if (!isMap(raw) || failedAt(ctx, [section, name])) continue;
      drafts.set(name, readUnit(kind, name, raw, sandboxEnvs, ctx));
    }
  }
  return { drafts, names };
}
