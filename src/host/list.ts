// What `compute sandbox ls` shows: each provider sandbox the project's state folder records, asked of its provider
// (is it still there, the agent's URL) and of its agent (how many units it runs).
import { loadProvider } from './provider.js';
import { readEntries, agentToken, type SandboxEntry } from './record.js';
import { reach } from './remote.js';
import type { HostTarget } from './index.js';

/** One recorded sandbox as its provider and agent report it now. */
export interface SandboxListing {
  provider: string;
  id: string;
  name?: string;
  namespace?: string;
  createdAt: string;
  /** `running`: the provider has it; `gone`: it says there is no such sandbox (the next up creates a new one). */
  status: 'running' | 'gone';
  /** The agent's URL; undefined when the sandbox is gone or has no agent yet. */
  url?: string;
  /** Units the agent runs; undefined when it does not answer. */
  units?: number;
}

// How long an agent may take to answer the count of its units.
const AGENT_MS = 3_000;

/** Every sandbox the target's state folder records, as it is now. The config's options go to its own provider. */
export async function listSandboxes(target: HostTarget): Promise<SandboxListing[]> {
  const entries = readEntries(target.stateDir);
  if (entries.length === 0) return [];
  const token = await agentToken(target.stateDir);
  return Promise.all(entries.map((entry) => describe(entry, target, token)));
}

async function describe(entry: SandboxEntry, target: HostTarget, token: string): Promise<SandboxListing> {
  const options = target.sandbox?.provider === entry.provider ? (target.sandbox.options ?? {}) : {};
  const manager = await loadProvider(entry.provider, options, target.projectDir);
  const base: Omit<SandboxListing, 'status'> = {
    provider: entry.provider,
    id: entry.id,
    ...(entry.name === undefined ? {} : { name: entry.name }),
    ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
    createdAt: entry.createdAt,
  };
  const sandbox = await manager.getById(entry.id);
  if (!sandbox) return { ...base, status: 'gone' };
  if (!entry.agent) return { ...base, status: 'running' };
  const url = await sandbox.getUrl({ port: entry.agent.port });
  // An agent that does not answer, or refuses the token, runs an unknown number of units.
  const headers = target.sandbox?.provider === entry.provider ? target.sandbox.headers : {};
  const client = await reach(sandbox, entry.agent.port, token, AGENT_MS, headers).catch(() => undefined);
  if (!client) return { ...base, status: 'running', url };
  try {
    return { ...base, status: 'running', url, units: (await client.units()).length };
  } catch {
    return { ...base, status: 'running', url };
  } finally {
    await client.close();
  }
}
