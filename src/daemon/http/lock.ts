// One daemon per state folder. The lock is a Linux abstract unix socket named after the folder's device and inode:
// the kernel releases it when its holder dies, so a dead daemon's lock is always free. A pidfile lock alone is not
// enough: two starters that both find the same stale pid would both take it over.
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { daemonFiles, pidAlive, readPidFile } from '../../contract/discovery.js';
import { writeAtomic } from '../../contract/persist.js';

/** Another live daemon holds this state folder. */
export class DaemonRunningError extends Error {
  constructor(
    readonly stateDir: string,
    readonly pid: number | undefined,
  ) {
    super(`a daemon is already running for state folder ${stateDir}${pid ? ` (pid ${pid})` : ' (it is starting)'}`);
    this.name = 'DaemonRunningError';
  }
}

/** The held lock of a state folder. */
export interface StateLock {
  /** Removes the pidfile (if it is still ours) and frees the lock. */
  release(): Promise<void>;
}

/** Takes the state folder's lock and writes the pidfile; throws DaemonRunningError when a live daemon holds it. */
export async function acquireStateLock(stateDir: string): Promise<StateLock> {
  const { dev, ino } = await stat(stateDir);
  const server = createServer((socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(`\0compute-daemon:${dev}:${ino}`, () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const pid = readPidFile(stateDir);
    throw new DaemonRunningError(stateDir, pid !== undefined && pidAlive(pid) ? pid : undefined);
  }
  // The lock alone must not keep the process running.
  server.unref();
  const pidFile = daemonFiles(stateDir).pid;
  try {
    // A pidfile left by a dead daemon is simply replaced: holding the lock proves its writer is gone. 0600 like the
    // rest of the folder (an older daemon's 0644 pidfile is replaced by this one).
    await writeAtomic(pidFile, `${process.pid}\n`);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  return {
    async release() {
      if (readPidFile(stateDir) === process.pid) await rm(pidFile, { force: true });
      await closeServer(server);
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
