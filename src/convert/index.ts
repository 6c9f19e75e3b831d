// `compute convert`: a docker compose file, a Procfile or a process-compose file → compute.yaml text.
import { basename } from 'node:path';
import { parse } from 'yaml';
import { fromCompose } from './compose.js';
import { ConvertError, isRecord, type Draft } from './draft.js';
import { emit } from './emit.js';
import { fromProcessCompose } from './process-compose.js';
import { fromProcfile } from './procfile.js';

export { ConvertError } from './draft.js';

/** The formats `compute convert` reads. */
export const FORMATS = ['compose', 'process-compose', 'procfile'] as const;
/** One of FORMATS. */
export type Format = (typeof FORMATS)[number];

/** The format of a file by its name (`docker-compose.yml`, `Procfile.dev`, …), else by what it holds. */
export function detectFormat(fileName: string, text: string): Format | undefined {
  const name = basename(fileName).toLowerCase();
  if (/^process-compose([.-].*)?\.ya?ml$/.test(name)) return 'process-compose';
  if (/^(docker-)?compose([.-].*)?\.ya?ml$/.test(name)) return 'compose';
  if (/^procfile(\..*)?$/.test(name) || name.endsWith('.procfile')) return 'procfile';
  let doc: unknown;
  try {
    doc = parse(text, { merge: true });
  } catch {
    return undefined;
  }
  if (isRecord(doc) && isRecord(doc.processes)) return 'process-compose';
  if (isRecord(doc) && isRecord(doc.services)) return 'compose';
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return lines.length > 0 && lines.every((l) => /^[A-Za-z0-9_-]+:\s*\S/.test(l)) ? 'procfile' : undefined;
}

/** Converts `text` (the file `fileName`) to compute.yaml text; `rebase` rewrites relative host paths (env_file). */
export function convert(text: string, fileName: string, options: { format?: Format; rebase?: (path: string) => string } = {}): { format: Format; yaml: string } {
  const format = options.format ?? detectFormat(fileName, text);
  if (format === undefined) throw new ConvertError(`${fileName}: not a docker compose file, Procfile or process-compose file (name the format with --from)`);
  const from = basename(fileName);
  const draft = format === 'procfile' ? fromProcfile(text, from) : fromYaml(format, text, fileName);
  if (options.rebase) {
    for (const unit of draft.units) unit.envFile = unit.envFile?.map(options.rebase);
    if (draft.root !== undefined) draft.root = options.rebase(draft.root);
  }
  return { format, yaml: emit(draft) };
}

function fromYaml(format: 'compose' | 'process-compose', text: string, fileName: string): Draft {
  let doc: unknown;
  try {
    doc = parse(text, { merge: true, maxAliasCount: 10_000 });
  } catch (error) {
    throw new ConvertError(`${fileName}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const key = format === 'compose' ? 'services' : 'processes';
  if (!isRecord(doc) || !isRecord(doc[key])) throw new ConvertError(`${fileName}: no \`${key}:\` map, so nothing to convert`);
  return format === 'compose' ? fromCompose(doc, basename(fileName)) : fromProcessCompose(doc, basename(fileName));
}
