// The typed result of the config pipeline: what a compute.yaml asks for, with defaults filled and paths resolved.
import type { OverlaySpec } from '../model/overlay.js';
import type { UnitSpec } from '../model/unit.js';

/** Which provider runs the sandbox: `local` is the embedded daemon. */
export type ProviderName = 'local' | 'computesdk';

/** The `sandbox:` section, normalised. */
export interface SandboxSpec {
  provider: ProviderName;
  name?: string;
  namespace?: string;
  /** Host folder that is the sandbox's file system root (local provider); absolute, resolved against its file. */
  root?: string;
  timeoutMs?: number;
  /** Environment given to every unit, under env_file and inline environment. */
  envs: Record<string, string>;
  metadata: Record<string, string>;
}

/** A validated compute.yaml (one or several merged files). */
export interface Spec {
  /** Project name: `name:` or the first file's folder name, as a slug. */
  name: string;
  /** Absolute paths of the compose files, in merge order. */
  files: string[];
  /** Folder of the first compose file; `.compute/` lives here by default. */
  projectDir: string;
  sandbox: SandboxSpec;
  overlays: OverlaySpec[];
  /** Units by name, servers and services together; each carries its restart hash and the project label. */
  units: Record<string, UnitSpec>;
  /** Every host file the result depends on (compose files, env_files, the `.env` used for interpolation), for --watch. */
  inputs: string[];
}

/** One problem found in a config, pointing at its source. Line and column are 1-based. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  col: number;
  message: string;
}

/** What loading a config gives: a Spec when there are no errors, and every error and warning found. */
export interface LoadResult {
  spec?: Spec;
  /** The merged, interpolated document before normalisation (what `compute config` prints). */
  resolved?: Record<string, unknown>;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** Options of loadConfig. */
export interface LoadOptions {
  /** Compose files in merge order; empty means `./compute.yaml`, then `./compute.yml`, in `cwd`. */
  files: string[];
  /** Environment used for interpolation (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Folder that relative `files` and the default file are found in (default: process.cwd()). */
  cwd?: string;
}

/** Formats a diagnostic as `file:line:col: message` (warnings prefixed with `warning: `). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}`;
  return d.severity === 'warning' ? `${where}: warning: ${d.message}` : `${where}: ${d.message}`;
}
