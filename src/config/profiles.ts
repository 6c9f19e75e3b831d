// Profiles: which units a run activates. A unit without `profiles` always is; one with them only when one of its
// profiles is active, when it is named on the command line, or when an active unit needs it (then it is activated
// with its dependent, and the plan says why). Pure: the CLI turns the result into words.
import type { ProfileSelection } from '../contract/spec.js';
import { isMap, setOwn, type Value, type ValueMap } from './located.js';

/** What the selection reads of a unit: its profiles (none: always active) and the units it needs. */
export interface ProfiledUnit {
  profiles: readonly string[];
  needs: readonly string[];
}

/** The profile that activates every profile, as `--profile '*'` does in compose. */
export const ALL_PROFILES = '*';

/** The environment variable naming profiles to activate, comma-separated (compose's COMPOSE_PROFILES). */
export const PROFILES_ENV = 'COMPUTE_PROFILES';

/** The profiles asked for: every `--profile`, then those of COMPUTE_PROFILES (compose merges both), each once. */
export function requestedProfiles(flags: readonly string[], env: string | undefined): string[] {
  const fromEnv = (env ?? '').split(',').map((name) => name.trim());
  return [...new Set([...flags, ...fromEnv].filter((name) => name !== ''))];
}

/** The units a selection activates, in the order given, and the selection as the Spec records it. */
export interface Selected {
  active: string[];
  selection: ProfileSelection;
}

/**
 * Selects the active units. `targets` are units named on the command line (`up NAME`): their profiles become
 * active, as in compose. A need of an active unit is activated with it, however deep.
 */
export function selectProfiles(units: ReadonlyMap<string, ProfiledUnit>, requested: readonly string[], targets: readonly string[] = []): Selected {
  const defined = [...new Set([...units.values()].flatMap((unit) => unit.profiles))].sort();
  const wanted = new Set(requested);
  for (const target of targets) for (const profile of units.get(target)?.profiles ?? []) wanted.add(profile);
  const all = wanted.has(ALL_PROFILES);
  const direct = (unit: ProfiledUnit) => all || unit.profiles.length === 0 || unit.profiles.some((profile) => wanted.has(profile));
  const active = new Set([...units].filter(([, unit]) => direct(unit)).map(([name]) => name));
  // A Map, not an object: a unit may be named `constructor`.
  const needed = new Map<string, { by: string[]; profiles: string[] }>();
  const queue = [...active];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const need of units.get(name)?.needs ?? []) {
      const unit = units.get(need);
      if (!unit || active.has(need)) continue;
      active.add(need);
      needed.set(need, { by: [], profiles: [...unit.profiles] });
      queue.push(need);
    }
  }
  // Every active dependent, not only the first found: `needed by api, web`.
  for (const [name, unit] of units) {
    if (!active.has(name)) continue;
    for (const need of unit.needs) needed.get(need)?.by.push(name);
  }
  const inactive: ProfileSelection['inactive'] = {};
  for (const [name, unit] of units) if (!active.has(name)) inactive[name] = [...unit.profiles];
  const unknown = requested.filter((profile) => profile !== ALL_PROFILES && !defined.includes(profile));
  return {
    active: [...units.keys()].filter((name) => active.has(name)),
    selection: { active: [...wanted].sort(), inactive, needed: Object.fromEntries(needed), unknown, defined },
  };
}

/** True when a unit of a merged document names a profile: when selectProfiles would find one `defined`. */
export function definesProfiles(doc: ValueMap): boolean {
  for (const section of ['servers', 'services']) {
    const entries = doc[section];
    if (!isMap(entries)) continue;
    for (const [name, raw] of Object.entries(entries)) {
      if (isMap(raw) && !name.startsWith('x-') && Array.isArray(raw.profiles) && raw.profiles.some((p) => typeof p === 'string')) return true;
    }
  }
  return false;
}

/** The `profiles:` of every unit of a merged document, with the names it needs, by name. */
export function profiledUnits(doc: ValueMap): Map<string, ProfiledUnit> {
  const units = new Map<string, ProfiledUnit>();
  for (const section of ['servers', 'services']) {
    const entries = doc[section];
    if (!isMap(entries)) continue;
    for (const [name, raw] of Object.entries(entries)) {
      if (!isMap(raw) || name.startsWith('x-')) continue;
      const profiles = Array.isArray(raw.profiles) ? raw.profiles.filter((p): p is string => typeof p === 'string') : [];
      units.set(name, { profiles, needs: needNames(raw.needs) });
    }
  }
  return units;
}

function needNames(needs: Value | undefined): string[] {
  if (Array.isArray(needs)) return needs.filter((need): need is string => typeof need === 'string');
  return isMap(needs) ? Object.keys(needs) : [];
}

/** The document without the named units (what `compute config` shows: the active units only, as compose does). */
export function withoutUnits(doc: ValueMap, names: ReadonlySet<string>): ValueMap {
  if (names.size === 0) return doc;
  const out: ValueMap = { ...doc };
  for (const section of ['servers', 'services']) {
    const entries = doc[section];
    if (!isMap(entries)) continue;
    const kept: ValueMap = {};
    for (const [name, value] of Object.entries(entries)) if (!names.has(name)) setOwn(kept, name, value);
    setOwn(out, section, kept);
  }
  return out;
}
