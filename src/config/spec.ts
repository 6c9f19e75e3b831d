// What loading a config gives: the Spec (see contract/spec.ts) or the problems found, with file:line:col.
import type { Spec } from '../contract/spec.js';

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
  /** Profiles asked for with `--profile`; COMPUTE_PROFILES (from `env` or `.env`) is added to them. */
  profiles?: string[];
  /** Units named on the command line: their profiles are activated (as `compose up NAME` does). */
  targets?: string[];
  /** Replica counts from `--scale NAME=N` or `compute scale`, over the file's `replicas` (names the file has). */
  scale?: Record<string, number>;
  /**
   * False: every unit's `hash` is left '' (default true). For commands that never compare a unit with the one the
   * daemon runs (validate, config, ps, logs, top, ...): hashing was a tenth of validating a 1 MB file.
   */
  restartHashes?: boolean;
}

/** Formats a diagnostic as `file:line:col: message` (warnings prefixed with `warning: `). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}`;
  return d.severity === 'warning' ? `${where}: warning: ${d.message}` : `${where}: ${d.message}`;
}
