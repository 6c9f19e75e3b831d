// The daemon's unit table on disk (state.json): written soon after every change, and read back by the next daemon.
import { readFile, rename } from 'node:fs/promises';
import type { DaemonProblem } from '../../contract/wire.js';
import { PersistedFile, type PersistOptions } from '../persist.js';
import type { RunnerRecord } from './runner.js';

interface StateDocument {
  version: 1;
  units: RunnerRecord[];
}

/** The state file: saved through PersistedFile (coalesced, atomic, 0600, retried when the disk refuses). */
export class StateFile {
  private readonly file: PersistedFile;

  constructor(
    readonly path: string,
    options: PersistOptions = {},
  ) {
    this.file = new PersistedFile(path, options);
  }

  /** The records saved by an earlier daemon; none when the file is missing. A corrupt file is set aside, not trusted. */
  async load(): Promise<{ records: RunnerRecord[]; warning?: string }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [] };
      throw error;
    }
    try {
      const document = JSON.parse(text) as StateDocument;
      if (document.version !== 1 || !Array.isArray(document.units)) throw new Error('unknown format');
      return { records: document.units };
    } catch (error) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, aside);
      return { records: [], warning: `state file was unreadable (${(error as Error).message}); moved to ${aside}` };
    }
  }

  /** Schedules a save of what `snapshot` returns at write time. */
  save(snapshot: () => RunnerRecord[]): void {
    this.file.save(() => JSON.stringify({ version: 1, units: snapshot() } satisfies StateDocument));
  }

  /** Why the file is behind (a full disk), while it is. */
  get problem(): DaemonProblem | undefined {
    return this.file.problem;
  }

  /** Resolves once what is pending is on disk or its last attempt failed; no retries after (the daemon is exiting). */
  close(): Promise<void> {
    return this.file.close();
  }
}
