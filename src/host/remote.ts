// A project whose units run in a ComputeSDK provider's sandbox: find the recorded sandbox again (or create one), make
// sure compute's agent answers in it, and hand back the same SandboxClient the local daemon gives, over TCP + token.
import { connect, SandboxApiError, type SandboxClient } from '../sdk/index.js';
import { AgentError, agentBundle, agentOutput, installAgent } from './agent.js';
import { loadProvider, type SandboxManager } from './provider.js';
import { agentToken, findEntry, saveEntry, type SandboxEntry, type SandboxKey } from './record.js';
import { keepAliveOf } from './keepalive.js';
import type { Sandbox } from './sandbox.js';
import { withSandboxUrls } from './urls.js';

/** Which sandbox of which provider, and what to pass it. */
export interface RemoteTarget {
  key: SandboxKey;
  options: Record<string, unknown>;
  create: Record<string, unknown>;
  timeoutMs?: number;
  metadata?: Record<string, string>;
  /** Sent with every request to the agent (sandbox.headers). */
  headers?: Record<string, string>;
  projectDir: string;
  stateDir: string;
}

/** How far to go: only reach what runs, start the agent in a sandbox that exists, or also create the sandbox. */
export type RemoteStart = 'find' | 'agent' | 'sandbox';

/** Where progress lines go (stderr), and how an install went, for the figures. */
export interface RemoteLog {
  say(line: string): void;
}

// How long a started agent may take to answer (node's start in a small cloud sandbox is slow).
const AGENT_START_MS = 30_000;
const PROBE_MS = 3_000;

/** The client of the agent in the target's sandbox; undefined when there is none and `start` does not make one. */
export async function connectRemote(target: RemoteTarget, start: RemoteStart, log: RemoteLog): Promise<SandboxClient | undefined> {
  const entry = findEntry(target.stateDir, target.key);
  if (!entry && start !== 'sandbox') return undefined;
  const manager = await loadProvider(target.key.provider, target.options, target.projectDir);
  const found = await findSandbox(manager, target, entry, start, log);
  if (!found) return undefined;
  const { sandbox, record } = found;
  const token = await agentToken(target.stateDir);
  const { sha256 } = agentBundle();
  let answering = false;
  if (record.agent) {
    const client = await reach(sandbox, record.agent.port, token, PROBE_MS, target.headers);
    // An agent of another compute version is replaced (its units adopted), except by commands that only look.
    if (client && (record.agent.sha256 === sha256 || start === 'find')) return keptAlive(client, sandbox, target, log);
    answering = client !== undefined;
    await client?.close();
  }
  if (start === 'find') return undefined;
  const report = await installAgent(sandbox, token, record.agent, answering);
  const updated: SandboxEntry = { ...record, agent: report.agent };
  await saveEntry(target.stateDir, target.key, updated);
  if (report.uploaded) log.say(`compute: uploaded the agent (${Math.round(report.bytes / 1024)} KiB) into sandbox ${sandbox.sandboxId} in ${report.uploadMs} ms`);
  return keptAlive(await waitForAgent(sandbox, updated, token, target.headers), sandbox, target, log);
}

// The sandbox lives timeout_ms after the last command (where the provider can extend it): every command that reaches
// the agent extends it, and the client carries the keep-alive for `up --watch`. A failed extension is a warning.
async function keptAlive(client: SandboxClient, sandbox: Sandbox, target: RemoteTarget, log: RemoteLog): Promise<SandboxClient> {
  const keepAlive = keepAliveOf(sandbox, target.timeoutMs);
  if (!keepAlive) return client;
  await keepAlive.extend().catch((error: unknown) => log.say(`compute: warning: could not extend sandbox ${sandbox.sandboxId}'s life (${keepAlive.call}): ${error instanceof Error ? error.message : String(error)}`));
  return { ...client, keepAlive };
}

/** Destroys the target's recorded sandbox and forgets it; the id destroyed, or undefined when none was recorded. */
export async function destroyRemote(target: RemoteTarget): Promise<string | undefined> {
  const entry = findEntry(target.stateDir, target.key);
  if (!entry) return undefined;
  const manager = await loadProvider(target.key.provider, target.options, target.projectDir);
  await manager.destroy(entry.id);
  await saveEntry(target.stateDir, target.key, undefined);
  return entry.id;
}

// The recorded sandbox if the provider still has it; else (with start 'sandbox') a new one, recorded.
async function findSandbox(manager: SandboxManager, target: RemoteTarget, entry: SandboxEntry | undefined, start: RemoteStart, log: RemoteLog): Promise<{ sandbox: Sandbox; record: SandboxEntry } | undefined> {
  const what = `provider ${target.key.provider}`;
  if (entry) {
    const sandbox = await manager.getById(entry.id);
    if (sandbox) return { sandbox, record: entry };
    if (start !== 'sandbox') {
      log.say(`compute: sandbox ${entry.id} (${what}) is gone; compute up creates a new one`);
      return undefined;
    }
    log.say(`compute: sandbox ${entry.id} (${what}) is gone; creating a new one`);
  } else if (start !== 'sandbox') return undefined;
  const { name, namespace } = target.key;
  const sandbox = await manager.create({
    ...target.create,
    ...(name === undefined ? {} : { name }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(target.timeoutMs === undefined ? {} : { timeout: target.timeoutMs }),
    ...(target.metadata && Object.keys(target.metadata).length > 0 ? { metadata: target.metadata } : {}),
  });
  const record: SandboxEntry = { ...target.key, id: sandbox.sandboxId, createdAt: new Date().toISOString() };
  await saveEntry(target.stateDir, target.key, record);
  log.say(`compute: created sandbox ${sandbox.sandboxId} (${what})`);
  return { sandbox, record };
}

/**
 * A client of the agent if it answers with our token (and `headers`, the provider's); undefined when nothing answers.
 * A refused token throws.
 */
export async function reach(sandbox: Sandbox, port: number, token: string, timeoutMs = PROBE_MS, headers: Record<string, string> = {}): Promise<SandboxClient | undefined> {
  const url = await sandbox.getUrl({ port });
  const client = connect({ url, token, headers });
  try {
    await client.health({ timeoutMs });
    await client.ready();
    return withSandboxUrls(client, (unitPort) => sandbox.getUrl({ port: unitPort }));
  } catch (error) {
    await client.close();
    if (error instanceof SandboxApiError && error.status === 401) throw refused(sandbox, url);
    return undefined;
  }
}

function refused(sandbox: Sandbox, url: string): SandboxApiError {
  return new SandboxApiError(401, `the agent in sandbox ${sandbox.sandboxId} (${url}) refused the project's token: another project's agent, or a changed .compute/state/agent.token; compute down --destroy starts afresh`, 'connect');
}

async function waitForAgent(sandbox: Sandbox, record: SandboxEntry, token: string, headers?: Record<string, string>): Promise<SandboxClient> {
  const agent = record.agent as NonNullable<SandboxEntry['agent']>;
  const deadline = Date.now() + AGENT_START_MS;
  for (;;) {
    const client = await reach(sandbox, agent.port, token, 1_000, headers);
    if (client) return client;
    if (Date.now() > deadline) {
      const output = await agentOutput(sandbox, agent);
      throw new AgentError(`the agent in sandbox ${sandbox.sandboxId} did not answer within ${AGENT_START_MS} ms${output ? `: ${output.split('\n').slice(-3).join(' | ')}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

