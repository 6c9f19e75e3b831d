// Where the bwrap provider keeps its sandboxes on the host: one folder per sandbox under a root folder, holding the
// sandbox's private /app, /home and /tmp and a record (meta.json) that a later process reads to find it again.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRef } from './proc.js';

/** The private folders of each sandbox, mounted read-write at the same path inside it. */
export const PRIVATE_DIRS = ['app', 'home', 'tmp'] as const;

/** What is recorded about one sandbox. */
export interface SandboxRecord {
  id: string;
  name?: string;
  namespace?: string;
  createdAt: string;
  timeoutMs?: number;
  /** Environment every command in the sandbox gets (create's `envs`). */
  envs: Record<string, string>;
  /** The sandbox's init (pid 1 of its PID namespace, as the host sees it): commands enter its namespaces. */
  init: ProcessRef;
  /** The bwrap process on the host that is the init's parent. */
  bwrap: ProcessRef;
  /** The slirp4netns process that gives the sandbox its network and forwards host ports into it. */
  forwarder: ProcessRef;
  /** True when the sandbox has its own user namespace (when the provider does not run as root). */
  userns: boolean;
}

/** The root folder: the `root` option, else $COMPUTE_BWRAP_ROOT, else $XDG_STATE_HOME/compute/bwrap. */
export function rootFolder(root?: string): string {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return root ?? process.env.COMPUTE_BWRAP_ROOT ?? join(state, 'compute', 'bwrap');
}

/** A new sandbox id: `bw-` and 16 hex digits. */
export function newId(): string {
  return `bw-${randomBytes(8).toString('hex')}`;
}

/** True for a string shaped like an id this provider makes (so an id never names a path outside the root). */
export function isId(id: string): boolean {
  return /^bw-[0-9a-f]{16}$/.test(id);
}

/** The folder of sandbox `id`. */
export function sandboxFolder(root: string, id: string): string {
  if (!isId(id)) throw new Error(`bwrap provider: "${id}" is not a bwrap sandbox id`);
  return join(root, id);
}

/** The host folder behind a private folder of the sandbox. */
export function privateFolder(folder: string, name: (typeof PRIVATE_DIRS)[number]): string {
  return join(folder, 'fs', name);
}

/** Makes the sandbox folder and its private folders (mode 0700, as is the root). */
export function makeFolders(root: string, id: string): string {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const folder = sandboxFolder(root, id);
  mkdirSync(folder, { mode: 0o700 });
  for (const name of PRIVATE_DIRS) mkdirSync(privateFolder(folder, name), { recursive: true, mode: 0o755 });
  return folder;
}

/** Writes the record atomically (temp file, then rename), so a reader never sees half of it. */
export function writeRecord(folder: string, record: SandboxRecord): void {
  const temp = join(folder, `.meta.json.${process.pid}`);
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, join(folder, 'meta.json'));
}

/** The record of sandbox `id`, or undefined when there is none (never created, destroyed, or still being made). */
export function readRecord(root: string, id: string): SandboxRecord | undefined {
  if (!isId(id)) return undefined;
  try {
    return JSON.parse(readFileSync(join(sandboxFolder(root, id), 'meta.json'), 'utf8')) as SandboxRecord;
  } catch {
    return undefined;
  }
}

/** The ids of every sandbox folder under the root. */
export function listIds(root: string): string[] {
  try {
    return readdirSync(root).filter(isId).sort();
  } catch {
    return [];
  }
}
