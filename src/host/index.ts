// Where a project's daemon lives, behind one interface: `local` is the per-project daemon on this machine (its unix
// socket); every other provider is a ComputeSDK sandbox with compute's agent inside (TCP + token). Above this, plan,
// apply, ps, logs, exec and down get a SandboxClient and do not know which it is.
import { privateDir } from '../contract/persist.js';
import type { SandboxSpec } from '../contract/spec.js';
import { ensureLocalDaemon, findLocalDaemon, type SandboxClient, type StartedDaemon } from '../sdk/index.js';
import { readEntries } from './record.js';
import { connectRemote, destroyRemote, type RemoteLog, type RemoteStart, type RemoteTarget } from './remote.js';

export { AgentError } from './agent.js';
export { ProviderLoadError } from './provider.js';
export { recordFiles, readEntries, type SandboxEntry } from './record.js';
export { listSandboxes, type SandboxListing } from './list.js';
export type { RemoteLog, RemoteStart };

/** A project's sandbox: its provider and settings (undefined when the config could not be read) and its folders. */
export interface HostTarget {
  sandbox?: SandboxSpec;
  projectDir: string;
  /** `.compute/` (or --state-dir). */
  dir: string;
  stateDir: string;
  /** The local sandbox's root (local provider only). */
  root: string;
}

/**
 * The provider of a target: the config's, else (a config that cannot be read) the one its state folder recorded a
 * sandbox of, else `local`.
 */
export function providerOf(target: Pick<HostTarget, 'sandbox' | 'stateDir'>): string {
  if (target.sandbox) return target.sandbox.provider;
  const recorded = readEntries(target.stateDir);
  return recorded.length === 1 ? (recorded[0]?.provider as string) : 'local';
}

/**
 * Connects to the target's daemon. `find`: only one that runs (undefined otherwise); `agent`: also start the agent of
 * a provider sandbox that exists; `sandbox`: also create what is missing (the local daemon, or the sandbox). `early` is
 * a local daemon `up` already started.
 */
export async function connectHost(target: HostTarget, start: RemoteStart, log: RemoteLog, early?: StartedDaemon): Promise<SandboxClient | undefined> {
  const provider = providerOf(target);
  if (provider !== 'local') return connectRemote(remoteTarget(target, provider), start, log);
  if (start !== 'sandbox') return findLocalDaemon(target.stateDir, target.root);
  const { mkdir } = await import('node:fs/promises');
  // `.compute/` holds the state folder (the units' secrets): owner only, also when an older version made it 0755.
  await privateDir(target.dir, ['state', 'root', 'apply.lock']);
  await mkdir(target.root, { recursive: true });
  return ensureLocalDaemon({ root: target.root, stateDir: target.stateDir }, early);
}

/** Destroys the target's provider sandbox and forgets it; its id, or undefined when there was none (or it is local). */
export async function destroyHost(target: HostTarget): Promise<string | undefined> {
  const provider = providerOf(target);
  if (provider === 'local') return undefined;
  return destroyRemote(remoteTarget(target, provider));
}

// Without a readable config, the one sandbox the state folder records is the target (providerOf picked its provider).
function remoteTarget(target: HostTarget, provider: string): RemoteTarget {
  const sandbox = target.sandbox;
  const named = sandbox ?? readEntries(target.stateDir)[0];
  return {
    key: { provider, ...(named?.namespace === undefined ? {} : { namespace: named.namespace }), ...(named?.name === undefined ? {} : { name: named.name }) },
    options: sandbox?.options ?? {},
    create: sandbox?.create ?? {},
    ...(sandbox?.timeoutMs === undefined ? {} : { timeoutMs: sandbox.timeoutMs }),
    ...(sandbox?.metadata ? { metadata: sandbox.metadata } : {}),
    ...(sandbox?.headers ? { headers: sandbox.headers } : {}),
    projectDir: target.projectDir,
    stateDir: target.stateDir,
  };
}
