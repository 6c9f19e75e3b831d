// `extends: {unit, file?}` on a unit, as compose's `extends`: the unit is its base (from this project, or from
// another file) with its own keys merged over it by the rules of several -f files. Each value keeps the position of
// the file that wrote it, so an error in an inherited value points into the base's file.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { isMap, locate, setOwn, type Value, type ValueMap } from './located.js';
import { mergeValues } from './merge.js';
import { NO_POSITION, type Diagnostics, type Loc } from './source.js';
import { didYouMean } from './suggest.js';

/** Reads, parses and prepares a file a unit extends (its paths resolved against its folder); undefined when refused. */
export type ReadBase = (path: string) => Promise<Value | undefined>;

type Section = 'servers' | 'services';
const SECTIONS: readonly Section[] = ['servers', 'services'];
const KIND: Record<Section, string> = { servers: 'server', services: 'service' };

interface Ref {
  unit: string;
  file?: string;
}

// A well-formed `extends` (a malformed one is left for the schema to report).
function refOf(unit: Value | undefined): Ref | undefined {
  const ext = isMap(unit) ? unit.extends : undefined;
  if (!isMap(ext) || typeof ext.unit !== 'string' || (ext.file !== undefined && (typeof ext.file !== 'string' || ext.file === ''))) return undefined;
  return typeof ext.file === 'string' ? { unit: ext.unit, file: ext.file } : { unit: ext.unit };
}

/**
 * Resolves every `extends` of the merged document in place (`extends.file` is already absolute: prepareFile made
 * it so). Returns the files read for it, for --watch. `projectDir` is what file names in messages are relative to.
 */
export async function resolveExtends(doc: ValueMap, projectDir: string, read: ReadBase, diags: Diagnostics): Promise<string[]> {
  const resolver = new Resolver(projectDir, read, diags);
  for (const section of SECTIONS) {
    const units = doc[section];
    if (!isMap(units)) continue;
    for (const name of Object.keys(units)) if (!name.startsWith('x-')) await resolver.resolve(doc, '', section, name, []);
  }
  return [...resolver.files.keys()];
}

class Resolver {
  readonly files = new Map<string, Value | undefined>();

  constructor(
    private readonly projectDir: string,
    private readonly read: ReadBase,
    private readonly diags: Diagnostics,
  ) {}

  // Resolves doc[section][name] (its base first); `chain` is the units being resolved, for cycles.
  async resolve(doc: ValueMap, file: string, section: Section, name: string, chain: string[]): Promise<Value | undefined> {
    const units = doc[section] as ValueMap;
    const unit = units[name];
    const ref = refOf(unit);
    if (!ref || !isMap(unit)) return unit;
    // Found before `extends` is taken out below.
    const at = { unit: locate(doc, [section, name, 'extends', 'unit']) ?? NO_POSITION, file: locate(doc, [section, name, 'extends', 'file']) ?? NO_POSITION };
    const id = `${file}#${name}`;
    const shownChain = [...chain, id].map((link) => this.shown(link));
    // Taken out first: a unit reached again while its base is resolved is a cycle, found below, not a loop.
    delete unit.extends;
    const baseDoc = ref.file === undefined ? doc : await this.fileDoc(ref.file, at.file);
    if (baseDoc === undefined) return unit;
    const baseFile = ref.file ?? file;
    const baseId = `${baseFile}#${ref.unit}`;
    if (chain.includes(baseId) || baseId === id) {
      this.diags.error(at.unit, `extends: a cycle: ${[...shownChain, this.shown(baseId)].join(' → ')}`);
      return unit;
    }
    if (!this.hasBase(baseDoc, section, ref, at.unit)) return unit;
    const base = await this.resolve(baseDoc, baseFile, section, ref.unit, [...chain, id]);
    const merged = mergeValues(base as Value, unit);
    setOwn(units, name, merged);
    return merged;
  }

  // True when the base is in its document's section of the same kind; else an error (missing, or of the other kind).
  private hasBase(doc: ValueMap, section: Section, ref: Ref, loc: Loc): boolean {
    const units = doc[section];
    if (isMap(units) && Object.hasOwn(units, ref.unit)) return true;
    const other = SECTIONS.find((s) => s !== section && isMap(doc[s]) && Object.hasOwn(doc[s] as ValueMap, ref.unit));
    const where = ref.file === undefined ? '' : ` in ${relative(this.projectDir, ref.file) || ref.file}`;
    if (other) this.diags.error(loc, `extends: \`${ref.unit}\`${where} is a ${KIND[other]}; a ${KIND[section]} extends a ${KIND[section]}`);
    else this.diags.error(loc, `extends: no ${KIND[section]} \`${ref.unit}\`${where}${didYouMean(ref.unit, isMap(units) ? Object.keys(units) : [])}`);
    return false;
  }

  // Another file's document, read once; undefined (reported at `loc`) when it is missing or refused.
  private async fileDoc(path: string, loc: Loc): Promise<ValueMap | undefined> {
    if (!this.files.has(path)) {
      if (!existsSync(path)) {
        this.diags.error(loc, `extends: no such file: ${relative(this.projectDir, path) || path}`);
        return undefined;
      }
      this.files.set(path, await this.read(path));
    }
    const value = this.files.get(path);
    return isMap(value) ? value : undefined;
  }

  // `web`, or `lib/base.yaml#web` for a unit of another file.
  private shown(id: string): string {
    const hash = id.lastIndexOf('#');
    const file = id.slice(0, hash);
    return file === '' ? id.slice(hash + 1) : `${relative(this.projectDir, file) || file}#${id.slice(hash + 1)}`;
  }
}
