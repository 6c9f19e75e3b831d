// A Spec: what a compute.yaml asks for, with defaults filled and paths resolved; config/ makes it, plan/ and reconcile/ read it.
import type { OverlaySpec } from '../contract/overlay.js';
import type { UnitSpec } from '../contract/unit.js';

/**
 * Which provider runs the sandbox: `local` (the embedded daemon), `bwrap` (ours, isolated, on this machine), a
 * ComputeSDK provider name (the package `@computesdk/NAME`), or the absolute path of a module exporting one.
 */
export type ProviderName = string;

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
  /** Sent with every request to the agent at the provider's URL (a preview token some providers' URLs need). */
  headers: Record<string, string>;
  /** Passed to the provider's factory (API keys and the like). */
  options: Record<string, unknown>;
  /** Passed to the provider's sandbox create call. */
  create: Record<string, unknown>;
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
  /** How many replicas each replicated unit of the file runs (`replicas:` or `--scale`), by its name in the file. */
  replicas?: Record<string, number>;
  /** Which profiles are active and what that leaves out; absent when no unit has `profiles` and none was asked for. */
  profiles?: ProfileSelection;
}

/**
 * The units `profiles:` selects, decided by config/ (a unit's profiles are config-only: never a field of its spec).
 * `Spec.units` holds the active units only.
 */
export interface ProfileSelection {
  /** The profiles asked for (`--profile`, COMPUTE_PROFILES, and those of the units named on the command line). */
  active: string[];
  /** Units left out, with their profiles: not created, and not removed when they run (an earlier `--profile` started them). */
  inactive: Record<string, string[]>;
  /** Units of inactive profiles that active units need: activated with them, by whom. */
  needed: Record<string, { by: string[]; profiles: string[] }>;
  /** Profiles asked for that no unit has (a warning, as a typo is likely). */
  unknown: string[];
  /** Every profile some unit has, sorted. */
  defined: string[];
}
