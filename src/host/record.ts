// What the project's state folder remembers of its provider sandboxes: (provider, namespace, name) → sandbox id and
// where its agent runs (sandbox.json), and the agent's bearer token (agent.token). Both are the owner's only (0600).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../contract/persist.js';
import { nodeCrypto } from '../contract/lazy-crypto.js';

/** Which sandbox of a project: the same key finds the same sandbox again. */
export interface SandboxKey {
  provider: string;
  namespace?: string;
  name?: string;
}

/** The daemon compute put into a sandbox. */
export interface AgentInfo {
  /** The sandbox folder that holds the bundle, its token, state and output. */
  dir: string;
  port: number;
  /** The sha256 of the bundle uploaded there. */
  sha256: string;
}

/** One sandbox of the project. */
export interface SandboxEntry extends SandboxKey {
  id: string;
  createdAt: string;
  agent?: AgentInfo;
}

/** The files of a state folder that hold the record and the token. */
export function recordFiles(stateDir: string): { record: string; token: string } {
  return { record: join(stateDir, 'sandbox.json'), token: join(stateDir, 'agent.token') };
}

/** Every sandbox the state folder records ([] when none). */
export function readEntries(stateDir: string): SandboxEntry[] {
  try {
    const parsed = JSON.parse(readFileSync(recordFiles(stateDir).record, 'utf8')) as { sandboxes?: SandboxEntry[] };
    return Array.isArray(parsed.sandboxes) ? parsed.sandboxes : [];
  } catch {
    return [];
  }
}

/** True when `entry` is the sandbox `key` names. */
export function sameKey(entry: SandboxKey, key: SandboxKey): boolean {
  return entry.provider === key.provider && entry.namespace === key.namespace && entry.name === key.name;
}

/** The recorded sandbox of `key`, if any. */
export function findEntry(stateDir: string, key: SandboxKey): SandboxEntry | undefined {
  return readEntries(stateDir).find((entry) => sameKey(entry, key));
}

/** Records `entry` in place of the one with its key (or removes that one, given `undefined` and the key). */
export async function saveEntry(stateDir: string, key: SandboxKey, entry: SandboxEntry | undefined): Promise<void> {
  const others = readEntries(stateDir).filter((other) => !sameKey(other, key));
  await writeAtomic(recordFiles(stateDir).record, `${JSON.stringify({ sandboxes: entry ? [...others, entry] : others }, null, 2)}\n`);
}

/** The token the project's agents accept, made (random, 0600) at the first use. Never printed. */
export async function agentToken(stateDir: string): Promise<string> {
  const path = recordFiles(stateDir).token;
  try {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length >= 16) return token;
  } catch {
    // none yet
  }
  const token = nodeCrypto().randomBytes(24).toString('hex');
  await writeAtomic(path, `${token}\n`);
  return token;
}
