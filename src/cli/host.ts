// The CLI's side of the host interface (src/host/): a project's sandbox connected with its errors as one-line CLI
// errors (a provider that is not installed is exit 2 with the npm line; an agent that would not start is exit 1).
import type { Spec } from '../config/index.js';
import { AgentError, connectHost, destroyHost, providerOf, ProviderLoadError, type HostTarget, type RemoteStart } from '../host/index.js';
import type { SandboxClient, StartedDaemon } from '../sdk/index.js';
import { SandboxApiError } from '../sdk/index.js';
import { CLIError, EXIT } from './errors.js';
import type { CliIO } from './io.js';

export { providerOf, type HostTarget };

/** Connects to the target's sandbox daemon (see connectHost for `start`); failures become CLIErrors. */
export async function openHost(target: HostTarget, start: RemoteStart, io: Pick<CliIO, 'stderr'>, early?: StartedDaemon): Promise<SandboxClient | undefined> {
  const provider = providerOf(target);
  try {
    return await connectHost(target, start, { say: (line) => io.stderr(`${line}\n`) }, early);
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

// Overlays copy host folders, which a daemon in a provider's sandbox cannot read: until they are uploaded through the
// sync engine, such a config is refused (exit 2) before anything is created.
/** The usage error for a config whose overlays a provider sandbox cannot take yet. */
export function checkRemoteOverlays(spec: Pick<Spec, 'sandbox' | 'overlays'>): void {
  const { provider } = spec.sandbox;
  if (provider === 'local' || spec.overlays.length === 0) return;
  const ids = spec.overlays.map((overlay) => overlay.id).join(', ');
  throw new CLIError(`overlays are not yet supported with provider ${provider} (this file has ${ids}); remove them or use provider: local`, EXIT.usage);
}

function hostError(error: unknown, provider: string): unknown {
  if (error instanceof CLIError) return error;
  if (error instanceof ProviderLoadError) return new CLIError(error.message, EXIT.usage, { cause: error });
  if (error instanceof AgentError || error instanceof SandboxApiError) return new CLIError(error.message, EXIT.failed, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new CLIError(`provider ${provider}: ${message}`, EXIT.failed, { cause: error });
}
