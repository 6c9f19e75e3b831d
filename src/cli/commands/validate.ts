// `compute validate`: checks the compose files and prints every error with file:line:col, or a one-line summary.
import { ComposeFileError, loadConfig, resolveComposeFiles, type LoadResult, type Spec } from '../../config/index.js';
import { formatDiagnostics } from '../../config/report.js';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { CliIO, Command } from '../io.js';
import { profileWarnings } from '../output/profiles.js';

const HELP = `Usage: compute validate [-f FILE]... [--profile NAME]...

Checks compute.yaml (or the files given, merged in order) and prints every error
as file:line:col: message. Exit 0 when it is valid, 2 when it is not.

Options:
  -f, --file FILE      a compose file (repeatable; default ./compute.yaml, then ./compute.yml,
                       with compute.override.yaml beside it merged over it)
  --profile NAME       activate the units of profile NAME (repeatable; also COMPUTE_PROFILES=a,b)
  --state-dir DIR      accepted for symmetry with the other commands; not used
  -h, --help           show this help
`;

/** Checks the config; exit 0 with `ok: N servers, N services, N overlays`, or 2 with the errors on stderr. */
export const run: Command = async (args, io) => {
  const { values } = parseCommandArgs('validate', args, PROJECT_OPTIONS);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const result = await loadChecked(values.file ?? [], io, { profiles: values.profile ?? [], restartHashes: false });
  if (!result.spec) return EXIT.usage;
  io.stdout(`ok: ${summary(result.spec)}\n`);
  return EXIT.ok;
};

/** Which units a command activates: `--profile` names, and the units it names (their profiles are activated). */
export interface UnitSelection {
  profiles?: string[];
  targets?: string[];
  /** `--scale NAME=N`: replica counts over the file's. */
  scale?: Record<string, number>;
  /** False for a command that never compares units with the daemon's (LoadOptions.restartHashes). */
  restartHashes?: boolean;
}

/**
 * Loads the config for a command: prints warnings, and errors (then the result has no spec) to stderr.
 * A missing compose file is a usage error (CLIError), so the message is one plain line.
 */
export async function loadChecked(files: string[], io: CliIO, select: UnitSelection = {}): Promise<LoadResult> {
  try {
    resolveComposeFiles(files, io.cwd);
  } catch (error) {
    if (error instanceof ComposeFileError) throw new CLIError(error.message, EXIT.usage);
    throw error;
  }
  const result = await loadConfig({ files, cwd: io.cwd, env: io.env, profiles: select.profiles ?? [], targets: select.targets ?? [], ...(select.scale ? { scale: select.scale } : {}), restartHashes: select.restartHashes !== false });
  io.stderr(formatDiagnostics(result.warnings, io.cwd));
  io.stderr(formatDiagnostics(result.errors, io.cwd));
  for (const warning of profileWarnings(result.spec?.profiles)) io.stderr(`compute: warning: ${warning}\n`);
  return result;
}

/** `3 servers, 2 services, 1 overlay`. */
export function summary(spec: Spec): string {
  const units = Object.values(spec.units);
  const servers = units.filter((u) => u.kind === 'server').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const inactive = Object.keys(spec.profiles?.inactive ?? {}).length;
  const left = inactive > 0 ? ` (and ${plural(inactive, 'unit')} of inactive profiles)` : '';
  return `${plural(servers, 'server')}, ${plural(units.length - servers, 'service')}, ${plural(spec.overlays.length, 'overlay')}${left}`;
}
