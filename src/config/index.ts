// The config pipeline: compose files → parse (with positions) → interpolate → merge → schema → checks → Spec.
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Context } from './context.js';
import { readEnvFiles } from './env-files.js';
import { ComposeFileError, overrideToWatch, resolveComposeFiles } from './files.js';
import { MAX_BYTES, tooBigMessage } from './limits.js';
import { isMap, type Value, type ValueMap } from './located.js';
import { resolveExtends } from './extends.js';
import { expandIncludes } from './include.js';
import { mergeAll } from './merge.js';
import { normalise } from './normalise.js';
import { parseYaml } from './parse.js';
import { prepareFile } from './prepare.js';
import { definesProfiles, PROFILES_ENV, profiledUnits, requestedProfiles, selectProfiles, withoutUnits } from './profiles.js';
import { checkSchema } from './schema.js';
import { Diagnostics, NO_POSITION, Source, sortDiagnostics } from './source.js';
import type { LoadOptions, LoadResult } from './spec.js';
import { baseOf } from '../contract/replicas.js';
import type { Spec } from '../contract/spec.js';

export { ComposeFileError, DEFAULT_FILES, OVERRIDE_FILES, resolveComposeFiles } from './files.js';
export { ALL_PROFILES, PROFILES_ENV } from './profiles.js';
export { maskSecrets, isSecretKey } from './secrets.js';
export { formatDiagnostic } from './spec.js';
export type { Diagnostic, LoadOptions, LoadResult } from './spec.js';
export type { ProfileSelection, SandboxSpec, Spec } from '../contract/spec.js';

/** Loads, checks and normalises compose files. Never throws: every problem is in `errors`, with file:line:col. */
export async function loadConfig(options: LoadOptions): Promise<LoadResult> {
  // Positions cost a third of the time of a big file, and a valid file never needs them: read it without, and only
  // when that finds a problem to point at, read it again with them.
  // Files the yaml package read have positions in either pass: when no file was read without them, the first pass's
  // errors are final (reading a 1 MB file with anchors, or a bomb, twice doubled the time to refuse it).
  // The first pass's values are let go before the second: a refused 1 MB file held both (185 MB peak).
  return (await quickPass(options)) ?? (await loadPass(options, true)).result;
}

// The first pass's result, or undefined when it must be run again with positions.
async function quickPass(options: LoadOptions): Promise<LoadResult | undefined> {
  const quick = await loadPass(options, false);
  return rerun(quick.result.errors.length, quick) ? undefined : quick.result;
}

// Whether a pass without positions must be run again with them: a problem it could not place, or errors in a file
// the fast reader read without positions (files the yaml package read have positions in either pass).
function rerun(errors: number, pass: { unplaced: boolean; positionless: boolean }): boolean {
  return pass.unplaced || (errors > 0 && pass.positionless);
}

async function loadPass(options: LoadOptions, positions: boolean): Promise<{ result: LoadResult; unplaced: boolean; positionless: boolean }> {
  const cwd = options.cwd ?? process.cwd();
  const diags = new Diagnostics();
  let files: string[] = [];
  try {
    files = resolveComposeFiles(options.files, cwd);
    const { spec, resolved, inputs } = await load(files, options, diags, positions);
    const order = [...files, ...inputs];
    const result: LoadResult = { errors: sortDiagnostics(diags.errors, order), warnings: sortDiagnostics(diags.warnings, order) };
    if (resolved) result.resolved = resolved;
    if (spec && result.errors.length === 0 && !diags.unplaced) result.spec = spec;
    return { result, unplaced: diags.unplaced, positionless: diags.positionless };
  } catch (error) {
    if (error instanceof ComposeFileError) diags.fileError(error.path, error.message);
    else diags.fileError(files[0] ?? cwd, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    return { result: { errors: diags.errors, warnings: diags.warnings }, unplaced: false, positionless: diags.positionless };
  }
}

async function load(files: string[], options: LoadOptions, diags: Diagnostics, positions: boolean) {
  const env = options.env ?? process.env;
  const projectDir = dirname(files[0] as string);
  // One .env for the whole project, beside the first file, as compose reads it from the project folder.
  const dotenvPath = join(projectDir, '.env');
  const [texts, dotenv] = await Promise.all([Promise.all(files.map((file) => readText(file, diags))), readEnvFiles([dotenvPath], diags)]);
  const dotenvFile = dotenv.get(dotenvPath);
  if (dotenvFile && 'unreadable' in dotenvFile) diags.fileError(dotenvPath, `.env ${dotenvFile.unreadable}`);
  const dotenvVars = dotenvFile && 'vars' in dotenvFile ? dotenvFile.vars : {};
  // The process environment wins over .env, as in compose; own properties only, so `${constructor}` is unset.
  const lookup = (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined) ?? (Object.hasOwn(dotenvVars, name) ? dotenvVars[name] : undefined);
  const parsed: Value[] = [];
  let last: Source | undefined;
  const included: string[] = [];
  const parse = (file: string, text: string) => {
    last = new Source(file, text);
    const value = parseYaml(last, lookup, diags, { positions });
    if (value !== undefined) prepareFile(value, dirname(file));
    return value;
  };
  const readIncluded = async (file: string) => {
    const text = await readText(file, diags);
    return text === undefined ? undefined : parse(file, text);
  };
  for (const [i, text] of texts.entries()) {
    const value = text === undefined ? undefined : parse(files[i] as string, text);
    if (value === undefined) continue;
    const expanded = await expandIncludes(value, files[i] as string, readIncluded, diags);
    included.push(...expanded.files);
    parsed.push(expanded.value);
  }
  const inputs = [dotenvPath, ...overrideToWatch(options.files, files), ...included];
  if (parsed.length < files.length) return { inputs };
  const merged = mergeAll(parsed) as Value;
  if (isMap(merged)) inputs.push(...(await resolveExtends(merged, projectDir, readIncluded, diags)));
  // A document that is a bare scalar has no positions: its errors point at the start of the last file.
  const failed = checkSchema(merged, diags, positions ? { source: last as Source, offset: 0 } : NO_POSITION);
  // A first pass that will be run again need not go on: normalising a refused 1 MB file was a third of its time.
  if (!isMap(merged) || (!positions && rerun(diags.errors.length, diags))) return { inputs };
  const envPaths = envFilesOf(merged);
  inputs.push(...envPaths);
  const ctx: Context = { doc: merged, diags, failed, envFiles: await readEnvFiles(envPaths, diags), restartHashes: options.restartHashes !== false };
  const spec = normalise(merged, { files, projectDir, inputs: [...new Set([...files, ...inputs])] }, ctx, options.scale ?? {});
  // With errors the Spec is dropped, and of the document only its name is read: profiles need not be applied.
  const resolved = diags.errors.length === 0 ? applyProfiles(spec, merged, options, lookup(PROFILES_ENV)) : merged;
  return { spec, resolved, inputs };
}

// Keeps the active units in the Spec (see profiles.ts); returns the document `compute config` shows.
function applyProfiles(spec: Spec, merged: ValueMap, options: LoadOptions, fromEnv: string | undefined): Record<string, unknown> {
  const requested = requestedProfiles(options.profiles ?? [], fromEnv);
  // No profile asked for or defined: every unit is active, and nothing is selected (selecting was 5 % of validating
  // a 1 MB file).
  if (requested.length === 0 && !definesProfiles(merged)) return merged;
  const { active, selection } = selectProfiles(profiledUnits(merged), requested, options.targets);
  const activeSet = new Set(active);
  spec.units = Object.fromEntries(Object.entries(spec.units).filter(([, unit]) => activeSet.has(baseOf(unit))));
  spec.profiles = selection;
  return withoutUnits(merged, new Set(Object.keys(selection.inactive)));
}

// A file over the size limit is refused before it is read: reading a huge file is itself the cost to avoid.
async function readText(file: string, diags: Diagnostics): Promise<string | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_BYTES) return void diags.fileError(file, tooBigMessage(size));
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    diags.fileError(file, code === 'EISDIR' ? 'is a folder, not a file' : code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`);
    return undefined;
  }
}

// Every env_file named by a unit (already absolute: prepareFile resolved them against their files).
function envFilesOf(doc: ValueMap): string[] {
  const paths: string[] = [];
  for (const section of ['servers', 'services']) {
    const units = doc[section];
    if (!isMap(units)) continue;
    for (const unit of Object.values(units)) {
      if (!isMap(unit)) continue;
      const envFile = unit.env_file;
      for (const path of Array.isArray(envFile) ? envFile : [envFile]) if (typeof path === 'string' && path !== '') paths.push(path);
    }
  }
  return [...new Set(paths)];
}
