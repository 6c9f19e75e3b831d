// A bound on concurrent file system operations, shared by every copy of one manager.

/** Runs a task when fewer than `max` are running; the rest wait in order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Creates a limiter. Only leaf operations go through it: a task that awaited another limited task could deadlock. */
export function createLimiter(max: number): Limiter {
  let running = 0;
  const queue: Array<() => void> = [];
  // The slot is handed straight to the next waiter, so a newcomer cannot slip in between and exceed `max`.
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running -= 1;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((resolve) => queue.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
