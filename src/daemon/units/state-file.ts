// The daemon's unit table on disk: written atomically (temp file + rename) soon after every change.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { RunnerRecord } from './runner.js';

interface StateDocument {
  version: 1;
  units: RunnerRecord[];
}

/**
 * The state file. Saves are coalesced: many changes in one turn of the event loop cost one write, and a change
 * during a write is followed by one more write, so the file always catches up with the last change.
 */
export class StateFile {
  private pending: (() => RunnerRecord[]) | undefined;
  private writing: Promise<void> | undefined;

  constructor(readonly path: string) {}

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
    this.pending = snapshot;
    if (!this.writing) this.writing = this.drain();
  }

  /** Resolves when every scheduled save is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      // Let the rest of this turn's changes pile up into the same write.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.pending) {
        const snapshot = this.pending;
        this.pending = undefined;
        const document: StateDocument = { version: 1, units: snapshot() };
        const temp = `${this.path}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(document));
        await rename(temp, this.path);
      }
    } finally {
      this.writing = undefined;
    }
  }
}
