// The files in a state folder through which clients find its daemon (written by writeAtomic: whole, and 0600).
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeAtomic } from './persist.js';
import type { DaemonInfo } from './wire.js';
import { nodeCrypto } from './lazy-crypto.js';

/** The longest unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** Paths of the daemon's files in its state folder. */
export function daemonFiles(stateDir: string) {
  return {
    /** Default unix socket. */
    socket: defaultSocket(stateDir),
    /** The pid of the daemon holding the state folder. */
    pid: join(stateDir, 'daemon.pid'),
    /** DaemonInfo, written once the daemon answers. */
    info: join(stateDir, 'daemon.json'),
    /** The daemon's own pino log (JSON lines). */
    log: join(stateDir, 'daemon.log'),
    /** stdout and stderr of a daemon started in the background by the SDK. */
    out: join(stateDir, 'daemon.out'),
  };
}

/**
 * `<state>/daemon.sock`, or, when that path is longer than a unix socket path may be (a project deep in the file
 * system), a socket in the temp folder named after the state folder, so every project still gets its own.
 */
function defaultSocket(stateDir: string): string {
  const inState = join(stateDir, 'daemon.sock');
  if (Buffer.byteLength(inState) <= MAX_SOCKET_PATH_BYTES) return inState;
  const id = nodeCrypto().createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 20);
  return join(tmpdir(), `compute-${id}.sock`);
}

/** Records where the daemon can be reached (mode 0600, like every file of the state folder). */
export async function writeDaemonInfo(stateDir: string, info: DaemonInfo): Promise<void> {
  await writeAtomic(daemonFiles(stateDir).info, `${JSON.stringify(info, null, 2)}\n`);
}

/** The recorded DaemonInfo, or undefined when there is none (or it cannot be read). */
export function readDaemonInfo(stateDir: string): DaemonInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(daemonFiles(stateDir).info, 'utf8')) as Partial<DaemonInfo>;
    return typeof info.pid === 'number' && typeof info.socket === 'string' ? (info as DaemonInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** The pid recorded in the pidfile, or undefined. */
export function readPidFile(stateDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(daemonFiles(stateDir).pid, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists and has not exited (a zombie waiting to be reaped counts as dead). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    // No /proc to ask (or it exited just now): trust signal 0, unless the process is gone.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The names a daemon puts in its state folder: they mark a folder as one (so making it private is safe). */
export const STATE_FOLDER_ENTRIES: readonly string[] = ['daemon.sock', 'daemon.pid', 'daemon.json', 'daemon.log', 'daemon.out', 'state.json', 'overlays.json', 'logs'];

/** The state file of a daemon's state folder. */
export function stateFilePath(stateDir: string): string {
  return join(stateDir, 'state.json');
}

/**
 * Whether the state file at `path` records units, read without changing anything (a daemon's load sets a corrupt file
 * aside). A file that cannot be read or parsed counts as recording them: a daemon would have to make sense of it.
 */
export function stateFileRecordsUnits(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  try {
    const document = JSON.parse(text) as { units?: unknown };
    return !Array.isArray(document.units) || document.units.length > 0;
  } catch {
    return true;
  }
}

// Statuses of a unit with no process; any other recorded status means its processes may still run.
const AT_REST = new Set(['stopped', 'failed', 'completed']);

/**
 * Whether the state file at `path` records a unit whose processes may still run (its daemon died without stopping
 * them: SIGKILL, OOM, a crash). Unlike stateFileRecordsUnits, an unreadable file says no: only a record is a reason
 * for `ps` or `down` to start a daemon that takes the units over.
 */
export function stateFileRecordsRunningUnits(path: string): boolean {
  try {
    const document = JSON.parse(readFileSync(path, 'utf8')) as { units?: Array<{ state?: { status?: unknown } }> };
    return Array.isArray(document.units) && document.units.some((unit) => typeof unit?.state?.status === 'string' && !AT_REST.has(unit.state.status));
  } catch {
    return false;
  }
}
