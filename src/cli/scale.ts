// `NAME=N` replica counts, as `compute scale` and `up --scale` take them, checked against the project's units.
import { MAX_REPLICAS, baseOf } from '../contract/replicas.js';
import type { Spec } from '../contract/spec.js';
import { CLIError, EXIT } from './errors.js';
import { unknownUnitsError } from './project.js';

/** Parses `web=3` words into counts; a malformed word or a count past MAX_REPLICAS is a usage error. */
export function parseScale(words: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const word of words) {
    const match = /^([^=\s]+)=(\d+)$/.exec(word);
    if (!match) throw new CLIError(`"${word}" is not NAME=COUNT (for example web=3)`, EXIT.usage);
    const count = Number(match[2]);
    if (count > MAX_REPLICAS) throw new CLIError(`${match[1]}: at most ${MAX_REPLICAS} replicas, not ${count}`, EXIT.usage);
    Object.defineProperty(counts, match[1] as string, { value: count, enumerable: true, writable: true, configurable: true });
  }
  return counts;
}

/** Refuses counts for names that are not units of the file (a replica's name such as `web-2` is not one). */
export function checkScaleNames(spec: Spec, counts: Readonly<Record<string, number>>): void {
  const bases = new Set([...Object.values(spec.units).map(baseOf), ...Object.keys(spec.replicas ?? {}), ...Object.keys(spec.profiles?.inactive ?? {})]);
  const unknown = Object.keys(counts).filter((name) => !bases.has(name));
  if (unknown.length > 0) throw unknownUnitsError(unknown, [...bases].sort());
}
