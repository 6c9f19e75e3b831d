// Runs async tasks one after another, so that a unit's ingestion, rotation and reads never interleave.

/** A queue of async tasks run one at a time, in the order they were given; a failed task does not stop the queue. */
export class Serial {
  private last: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task given before it; resolves or rejects with its result. */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.last.then(task);
    this.last = result.catch(() => {});
    return result;
  }
}
