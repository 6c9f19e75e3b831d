// The CLI's side of the host interface (src/host/): a project's sandbox connected with its errors as one-line CLI
// errors (a provider that is not installed is exit 2 with the npm line; an agent that would not start is exit 1).
import type { Spec } from '../config/index.js';
import { AgentError, connectHost, destroyHost, providerOf, ProviderLoadError, type HostTarget, type RemoteStart } from '../host/index.js';
import type { SandboxClient, StartedDaemon } from '../sdk/index.js';
import { SandboxApiError } from '../sdk/index.js';
import { remoteOverlaySpec, withRemoteOverlays } from '../reconcile/remote-overlays.js';
import { CLIError, EXIT } from './errors.js';
import type { CliIO } from './io.js';

export { providerOf, type HostTarget };

/** Connects to the target's sandbox daemon (see connectHost for `start`); failures become CLIErrors. */
export async function openHost(target: HostTarget, start: RemoteStart, io: Pick<CliIO, 'stderr'>, early?: StartedDaemon): Promise<SandboxClient | undefined> {
  const provider = providerOf(target);
  try {
    const client = await connectHost(target, start, { say: (line) => io.stderr(`${line}\n`) }, early);
    // A provider sandbox gets its overlays by upload (reconcile/remote-overlays.ts); the local daemon copies them itself.
    return client && provider !== 'local' ? withRemoteOverlays(client) : client;
  } catch (error) {
    throw hostError(error, provider);
  }
}

/** Destroys the target's provider sandbox; its id, or undefined when there was none. */
export async function destroyHostSandbox(target: HostTarget): Promise<string | undefined> {
  try {
    return await destroyHost(target);
  } catch (error) {
    throw hostError(error, providerOf(target));
  }
}

/** The Spec as the target's provider takes it: the same for `local`; overlays without symlinked package folders else. */
export function specFor(spec: Spec): Spec {
  return spec.sandbox.provider === 'local' ? spec : remoteOverlaySpec(spec);
}

/** A host failure as a one-line CLI error: exit 2 for a provider that is not installed, 1 for the rest. */
export function hostError(error: unknown, provider: string): unknown {
  if (error instanceof CLIError) return error;
  if (error instanceof ProviderLoadError) return new CLIError(error.message, EXIT.usage, { cause: error });
  if (error instanceof AgentError || error instanceof SandboxApiError) return new CLIError(error.message, EXIT.failed, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new CLIError(`provider ${provider}: ${message}`, EXIT.failed, { cause: error });
}
