// A full disk (or a used-up quota): telling it from an error, and from the free space of a folder's file system.
import { statfsSync } from 'node:fs';

/** Free space that counts as room again (a few index frames and the marker need far less; this avoids flapping). */
const ROOM_BYTES = 64 * 1024;

/** True for the errors of a full disk (or a used-up quota). */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** True when the file system of `dir` has no space left for this process's user (false when it cannot tell). */
export function noSpace(dir: string): boolean {
  return freeBytes(dir) === 0;
}

/** True when the file system of `dir` has room again (or cannot tell: then the write that follows finds out). */
export function hasRoom(dir: string): boolean {
  return (freeBytes(dir) ?? Infinity) >= ROOM_BYTES;
}

// Root may use the blocks a file system reserves (ext4: 5 %), so a daemon run as root is not paused while they last.
function freeBytes(dir: string): number | undefined {
  try {
    const { bavail, bfree, bsize } = statfsSync(dir);
    return (process.getuid?.() === 0 ? bfree : bavail) * bsize;
  } catch {
    return undefined;
  }
}
