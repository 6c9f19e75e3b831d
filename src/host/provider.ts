// The ComputeSDK provider a `sandbox.provider` names: `bwrap` (ours), `@computesdk/NAME` imported from the user's
// project (an optional dependency of theirs, not of compute), or a module given by path. Each gives a factory made
// with defineProvider; it is called with `sandbox.options`, and the result driven through computesdk 4.x's compute().
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importOutside } from '../util/import-outside.js';
import type { Sandbox } from './sandbox.js';

/** A provider that cannot be loaded: not installed (`install` is the command that fixes it), or not a provider. */
export class ProviderLoadError extends Error {
  constructor(
    message: string,
    readonly install?: string,
  ) {
    super(message);
    this.name = 'ProviderLoadError';
  }
}

/** The sandbox calls of one provider, as computesdk 4.x's compute({ provider }).sandbox gives them. */
export interface SandboxManager {
  create(options?: Record<string, unknown>): Promise<Sandbox>;
  getById(id: string): Promise<Sandbox | null>;
  destroy(id: string): Promise<void>;
}

type Factory = (config: Record<string, unknown>) => unknown;

/** Loads the provider named `provider` for the project in `projectDir` and returns its sandbox manager. */
export async function loadProvider(provider: string, options: Record<string, unknown>, projectDir: string): Promise<SandboxManager> {
  const factory = await loadFactory(provider, projectDir);
  const { compute } = await import('computesdk4');
  const manager = compute({ provider: factory(options) as Parameters<typeof compute>[0]['provider'] });
  return manager.sandbox as unknown as SandboxManager;
}

async function loadFactory(provider: string, projectDir: string): Promise<Factory> {
  if (provider === 'bwrap') return (await import('../providers/bwrap/index.js')).bwrap as unknown as Factory;
  if (isAbsolute(provider)) {
    if (!existsSync(provider)) throw new ProviderLoadError(`sandbox.provider: no such module ${provider}`);
    return pick(await importOutside(pathToFileURL(provider).href), ['default', 'provider'], provider);
  }
  const name = `@computesdk/${provider}`;
  let resolved: string;
  try {
    // Resolved from the project, as its own code would import it: the package is the user's dependency.
    resolved = createRequire(join(projectDir, 'package.json')).resolve(name);
  } catch {
    throw new ProviderLoadError(`provider ${provider} is not installed in ${projectDir}: run npm i ${name}`, `npm i ${name}`);
  }
  return pick(await importOutside(pathToFileURL(resolved).href), [provider, 'default'], name);
}

// The first of `exports` that is a function: a defineProvider result is the provider's factory.
function pick(module: Record<string, unknown>, exports: string[], from: string): Factory {
  for (const key of exports) {
    const value = module[key] ?? (module.default as Record<string, unknown> | undefined)?.[key];
    if (typeof value === 'function') return value as Factory;
  }
  throw new ProviderLoadError(`sandbox.provider: ${from} exports no provider (expected ${exports.map((e) => `\`${e}\``).join(' or ')}: a defineProvider result)`);
}
