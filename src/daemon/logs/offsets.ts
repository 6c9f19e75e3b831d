// The ingest offsets of a unit's spools, kept in a small sidecar file so that a new log store resumes where the old
// one stopped. Written synchronously, so that the truncation of a spool can follow it with no other work in between.
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import type { Stream } from './frame.js';

/** How far each spool has been ingested, in bytes from the start of the spool file. */
export type Offsets = Record<Stream, number>;

// A fixed-size record rewritten in place by one small write, which a crash of the daemon cannot tear. Not temp file +
// rename: a rename over an existing file makes ext4 (auto_da_alloc) flush the new file first, which under a chatty
// unit's load cost 0.4 ms of the daemon's main thread per save (42 ms per 100 MB, saving every MiB); these writes
// did not show in the profile.
const RECORD_BYTES = 64;

/** The sidecar file of one unit's offsets, open while the unit is ingested. */
export class OffsetsFile {
  private constructor(private readonly fd: number) {}

  /** Opens (creating) the sidecar at `path` and reads the offsets saved in it. */
  static open(path: string): { file: OffsetsFile; saved: Offsets } {
    const saved = loadOffsets(path);
    return { file: new OffsetsFile(openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600)), saved };
  }

  /** Replaces the saved offsets. */
  save(offsets: Offsets): void {
    const record = JSON.stringify(offsets).padEnd(RECORD_BYTES - 1, ' ') + '\n';
    writeSync(this.fd, record, 0, 'latin1');
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The offsets saved at `path`; zero for a missing or unreadable file (re-reading a spool duplicates, never loses). */
export function loadOffsets(path: string): Offsets {
  try {
    const saved = JSON.parse(readFileSync(path, 'latin1')) as Partial<Offsets>;
    return { stdout: validOffset(saved.stdout), stderr: validOffset(saved.stderr) };
  } catch {
    return { stdout: 0, stderr: 0 };
  }
}

function validOffset(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}
