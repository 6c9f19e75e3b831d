// Checks an overlay spec against the file system before anything is copied; every refusal is a 400 with a message.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import type { OverlaySpec } from '../../contract/overlay.js';
import { badRequest } from '../errors.js';
import { openFolder, type HeldFolder } from '../files/folder.js';
import { isInside, normaliseSandboxPath, PathEscapeError } from '../../contract/paths.js';

/** A valid spec in canonical form (target normalised, defaults filled), with the host paths it resolves to. */
export interface ValidatedOverlay {
  spec: OverlaySpec;
  /** Real path of the source folder. */
  sourceRoot: string;
  /**
   * Host path of the target, inside the sandbox root, as it was when checked: for messages and the overlap check
   * only. Writes go through openTarget's fd, which a folder swapped for a symlink since cannot redirect.
   */
  targetRoot: string;
}

/** Checks the shape of a spec (types, strategy, names) and returns it in canonical form, without touching disk. */
export function canonicalSpec(input: OverlaySpec): OverlaySpec {
  const spec = input as Partial<OverlaySpec> & Record<string, unknown>;
  if (typeof spec.id !== 'string' || spec.id.trim() === '') throw badRequest('overlay id must be a non-empty string');
  if (typeof spec.source !== 'string' || spec.source === '') throw badRequest('overlay source must be a non-empty string');
  if (!isAbsolute(spec.source)) throw badRequest(`overlay source must be an absolute host path, got "${spec.source}"`);
  if (typeof spec.target !== 'string') throw badRequest('overlay target must be a string');
  const strategy = spec.strategy ?? 'smart';
  if (strategy !== 'copy' && strategy !== 'smart') {
    throw badRequest(`overlay strategy must be "copy" or "smart", got ${JSON.stringify(spec.strategy)}`);
  }
  const ignore = stringList(spec.ignore ?? [], 'ignore');
  const symlinkDirs = stringList(spec.symlinkDirs ?? [], 'symlinkDirs');
  const badName = symlinkDirs.find((name) => name === '' || name.includes('/'));
  if (badName !== undefined) throw badRequest(`overlay symlinkDirs must be folder names without "/", got "${badName}"`);
  let target: string;
  try {
    target = normaliseSandboxPath(spec.target);
  } catch (error) {
    if (error instanceof PathEscapeError) throw badRequest(`overlay target: ${error.message}`);
    throw error;
  }
  const canonical: OverlaySpec = { id: spec.id, source: spec.source, target, strategy, ignore };
  if (symlinkDirs.length > 0) canonical.symlinkDirs = symlinkDirs;
  if (spec.labels !== undefined) canonical.labels = spec.labels;
  return canonical;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw badRequest(`overlay ${field} must be an array of strings`);
  }
  return value as string[];
}

/** Canonicalises a spec and checks its paths: the target stays in the sandbox, the source is an existing folder. */
export async function validateOverlay(root: string, input: OverlaySpec): Promise<ValidatedOverlay> {
  const spec = canonicalSpec(input);
  const targetRoot = await confineTarget(root, spec.target);
  const sourceRoot = await sourceFolder(spec.source);
  // A target inside its source (or the reverse) would copy into itself without end, or delete the template.
  if (isInside(sourceRoot, targetRoot) || isInside(targetRoot, sourceRoot)) {
    throw badRequest(`overlay target "${spec.target}" overlaps its source "${spec.source}"`);
  }
  return { spec, sourceRoot, targetRoot };
}

/** The target's host path (its missing names appended to the part that exists); a 400 when it leaves the sandbox root. */
export async function confineTarget(root: string, target: string): Promise<string> {
  const missing: string[] = [];
  for (let path = target; ; path = posix.dirname(path)) {
    try {
      const folder = await targetError(root, target, openFolder(root, path));
      folder.close();
      return join(folder.real, ...missing);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path === '/') throw error;
      missing.unshift(posix.basename(path));
    }
  }
}

/** Opens the target folder inside the sandbox root (making it and its parents), for a sync to write under. */
export function openTarget(root: string, target: string): Promise<HeldFolder> {
  return targetError(root, target, openFolder(root, target, { create: true }));
}

async function targetError<T>(root: string, target: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PathEscapeError) throw badRequest(`overlay target: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    // A file is the target itself when its parent is a folder; else a file lies on the way.
    const parent = await openFolder(root, posix.dirname(target)).then((folder) => (folder.close(), true), () => false);
    throw badRequest(parent ? `overlay target "${target}" exists and is not a folder` : `overlay target "${target}" lies under a file`);
  }
}

async function sourceFolder(source: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw badRequest(`overlay source "${source}" does not exist`);
    if (code === 'EACCES') throw badRequest(`overlay source "${source}" is not readable`);
    throw error;
  }
  if (!(await stat(real)).isDirectory()) throw badRequest(`overlay source "${source}" is a file, not a folder`);
  return real;
}
