// The ingest offsets of a unit's spools, kept in a small sidecar file so a new log store resumes where the old one
// stopped. Written atomically (temp file + rename) and synchronously: it is tiny, written rarely, and a synchronous
// write lets the truncation of a spool follow it with no other work in between.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Stream } from './frame.js';

/** How far each spool has been ingested, in bytes from the start of the spool file. */
export type Offsets = Record<Stream, number>;

/** The offsets saved at `path`; zero for a missing or unreadable file (re-reading a spool duplicates, never loses). */
export function loadOffsets(path: string): Offsets {
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<Offsets>;
    return { stdout: validOffset(saved.stdout), stderr: validOffset(saved.stderr) };
  } catch {
    return { stdout: 0, stderr: 0 };
  }
}

/** Saves `offsets` at `path` atomically. */
export function saveOffsets(path: string, offsets: Offsets): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(offsets), { mode: 0o600 });
  renameSync(temp, path);
}

function validOffset(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}
