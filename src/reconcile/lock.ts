// One apply at a time per project: a lock file holding the owner's pid; a dead owner's lock is taken over.
import { open, readFile, unlink } from 'node:fs/promises';

/** Who holds the lock. */
export interface LockOwner {
  pid: number;
  since: string;
  command?: string;
}

/** Options of acquireLock. */
export interface LockOptions {
  /** Called once when the lock is busy and we start waiting, with its owner. */
  onWait?: (owner: LockOwner) => void;
  /** Give up after this long (default: wait as long as it takes). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  command?: string;
}

/** The lock is held by a live process and waiting ran out. */
export class LockBusyError extends Error {
  constructor(
    readonly path: string,
    readonly owner: LockOwner,
  ) {
    super(`another apply is running (pid ${owner.pid}, since ${owner.since}); its lock is ${path}`);
    this.name = 'LockBusyError';
  }
}

/** Takes the lock at `path`, waiting while a live process holds it; returns the release function. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let waiting = false;
  for (;;) {
    const owner: LockOwner = { pid: process.pid, since: new Date().toISOString(), ...(options.command ? { command: options.command } : {}) };
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return () => release(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readOwner(path);
    if (current === undefined) continue; // released (or half-written by a dying owner) meanwhile: try again
    if (!isRunning(current.pid)) {
      await takeOver(path, current);
      continue;
    }
    if (Date.now() >= deadline || options.signal?.aborted) throw new LockBusyError(path, current);
    if (!waiting) options.onWait?.(current);
    waiting = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // An empty or torn file: its writer died between creating and writing it.
    return { pid: 0, since: 'unknown' };
  }
}

// Removes a stale lock, unless someone else took it over first (then its owner changed and we leave it).
async function takeOver(path: string, stale: LockOwner): Promise<void> {
  const again = await readOwner(path);
  if (again && again.pid === stale.pid && again.since === stale.since) await unlink(path).catch(() => undefined);
}

async function release(path: string): Promise<void> {
  const owner = await readOwner(path);
  if (owner?.pid === process.pid) await unlink(path).catch(() => undefined);
}

function isRunning(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
