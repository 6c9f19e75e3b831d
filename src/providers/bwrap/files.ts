// The filesystem of a bwrap sandbox. Every operation runs inside the sandbox (never on the host folder behind it), so
// a symlink a unit made in /app resolves as the sandbox sees it and cannot lead a write out onto the host.
import { posix } from 'node:path';
import type { CommandResult, FileEntry } from '@computesdk/provider';
import { DEFAULT_CWD, runInside, type Target } from './enter.js';

/** A sandbox path made absolute: relative paths are taken from /app, the default working folder. */
export function sandboxPath(path: string): string {
  if (path.length === 0 || path.includes('\0')) throw new Error(`bwrap provider: invalid path ${JSON.stringify(path)}`);
  return posix.resolve(DEFAULT_CWD, path);
}

function check(result: CommandResult, what: string, path: string): CommandResult {
  if (result.exitCode !== 0) throw new Error(`bwrap provider: ${what} ${path} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  return result;
}

/** The text of a file. */
export async function readFile(target: Target, path: string): Promise<string> {
  const file = sandboxPath(path);
  return check(await runInside(target, ['/usr/bin/cat', '--', file]), 'reading', file).stdout;
}

/** Writes `content` to a file, making its parent folders. */
export async function writeFile(target: Target, path: string, content: string): Promise<void> {
  const file = sandboxPath(path);
  const script = 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"';
  check(await runInside(target, ['/bin/sh', '-c', script, 'compute', file], { stdin: content }), 'writing', file);
}

/** Makes a folder and its parents. */
export async function mkdir(target: Target, path: string): Promise<void> {
  const dir = sandboxPath(path);
  check(await runInside(target, ['/usr/bin/mkdir', '-p', '--', dir]), 'making the folder', dir);
}

/** The entries of a folder (a symlink counts as a file), sorted by name. */
export async function readdir(target: Target, path: string): Promise<FileEntry[]> {
  const dir = sandboxPath(path);
  const format = '%y\\t%s\\t%T@\\t%f\\0';
  const result = check(await runInside(target, ['/usr/bin/find', dir, '-mindepth', '1', '-maxdepth', '1', '-printf', format]), 'listing', dir);
  return result.stdout
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [type, size, modified, ...name] = line.split('\t');
      return {
        name: name.join('\t'),
        type: type === 'd' ? ('directory' as const) : ('file' as const),
        size: Number(size),
        modified: new Date(Number(modified) * 1000),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** True when the path exists inside the sandbox. */
export async function exists(target: Target, path: string): Promise<boolean> {
  return (await runInside(target, ['/usr/bin/test', '-e', sandboxPath(path)])).exitCode === 0;
}

/** Removes a file or a folder with everything in it; a missing path is not an error. */
export async function remove(target: Target, path: string): Promise<void> {
  const file = sandboxPath(path);
  check(await runInside(target, ['/usr/bin/rm', '-rf', '--', file]), 'removing', file);
}
