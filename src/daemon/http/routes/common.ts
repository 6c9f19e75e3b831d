// Lookups and query parsing shared by the route modules.
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Supervisor } from '../../supervisor-api.js';
import type { LogStream } from '../../../contract/wire.js';
import { needsReplace } from '../../../contract/hash.js';
import type { UnitKind, UnitSpec, UnitState } from '../../../contract/unit.js';

const NOUN: Record<UnitKind, string> = { server: 'server', service: 'service' };

/** The unit named `name`, of `kind` when given; 404 otherwise (a service is not found as a server, and back). */
export function requireUnit(supervisor: Supervisor, name: string, kind?: UnitKind): UnitState {
  const state = supervisor.get(name);
  if (!state || (kind && state.kind !== kind)) throw notFound(`${kind ? NOUN[kind] : 'unit'} "${name}" not found`);
  return state;
}

/** 404 for the first unknown name, before anything is changed. */
export function requireUnits(supervisor: Supervisor, names: readonly string[]): void {
  for (const name of names) requireUnit(supervisor, name);
}

/** 409 when `name` exists as the other kind: names are unique across servers and services. */
export function refuseOtherKind(supervisor: Supervisor, name: string, kind: UnitKind): void {
  const existing = supervisor.get(name);
  if (existing && existing.kind !== kind) {
    throw conflict(`"${name}" is already a ${NOUN[existing.kind]}; names are unique across servers and services`);
  }
}

/** The replace set of one spec sent without a plan: its name when a unit of that name runs another hash. */
export function replacing(current: UnitSpec | undefined, desired: UnitSpec): ReadonlySet<string> {
  return new Set(current && needsReplace(current, desired) ? [desired.name] : []);
}

/** Units sorted by name, so that lists read the same every time. */
export function byName(states: readonly UnitState[]): UnitState[] {
  return [...states].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `?stream=`: combined (default), stdout or stderr. */
export function parseStream(query: URLSearchParams): LogStream {
  const stream = query.get('stream') ?? 'combined';
  if (stream !== 'combined' && stream !== 'stdout' && stream !== 'stderr') {
    throw badRequest(`"stream" must be one of stdout, stderr, combined (got "${stream}")`);
  }
  return stream;
}

/** `?tail=N`: a non-negative integer, or undefined for every retained line. */
export function parseTail(query: URLSearchParams): number | undefined {
  const tail = query.get('tail');
  if (tail === null || tail === '') return undefined;
  if (!/^\d+$/.test(tail)) throw badRequest(`"tail" must be a non-negative integer (got "${tail}")`);
  return Number(tail);
}

/** `?follow=1` (or true): keep the stream open. */
export function parseFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw badRequest(`"${name}" must be 1 or 0 (got "${value}")`);
}
