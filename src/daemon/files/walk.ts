// Race-free confinement of a sandbox path: each name is opened relative to the folder before it, starting from an fd
// of the root, and the kernel never follows a symlink on its own (O_NOFOLLOW on every name). Symlinks are read and
// followed here, only while they stay inside the root. Checking a realpath and then opening the path left a window in
// which a folder swapped for a symlink led reads and writes outside the root (issue 13: thousands of 10,000 did).
import { closeSync, constants, mkdirSync, openSync, readlinkSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { notFound } from '../errors.js';
import { isInside, normaliseSandboxPath, PathEscapeError } from '../../contract/paths.js';

// As the kernel's limit on symlinks in one lookup (ELOOP), so that a loop of links ends.
const MAX_LINK_HOPS = 40;
// A folder reached by a walk: a symlink in its place fails (ENOTDIR) instead of being followed.
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
// The walk's own steps are synchronous: each is one metadata syscall on the sandbox's file system, microseconds long,
// and a thread-pool round trip per name made a read or a write about three times slower than before (issue 13).
// A missing folder may be created and removed again by someone else before we open it; we try again this often.
const CREATE_ATTEMPTS = 3;

/** What an action returns to say "this name is a symlink": the walk reads it and goes on at its target. */
export const FOLLOW: unique symbol = Symbol('follow');

/** Where an action acts: `name` in a folder the walk holds open, and `path`, which names exactly that entry. */
export interface Place {
  /** `/proc/self/fd/<fd>` of the folder: opening it (or a name under it) resolves against that very folder. */
  folder: string;
  name: string;
  path: string;
}

/** What a walk does with missing folders and symlinks that leave the root. */
export interface WalkOptions {
  /** Creates missing folders on the way (mkdir -p); a link out of the root is then always refused (403). */
  create?: boolean;
}

interface Folder {
  fd: number;
  /** Its host path when it was opened, as the kernel reports it. */
  real: string;
}

/**
 * Walks `sandboxPath` inside `root` and calls `act` on its last name, in the folder that holds it; `act` returns FOLLOW
 * when that name is a symlink. Every fd the walk opened is closed when it ends.
 */
export async function walk<T>(root: string, sandboxPath: string, options: WalkOptions, act: (place: Place) => Promise<T | typeof FOLLOW>): Promise<T> {
  const walker = new Walker(root, sandboxPath, options);
  try {
    walker.start();
    return await walker.run(act);
  } finally {
    walker.close();
  }
}

/** `/proc/self/fd/<fd>`: the kernel's name of an open file, through which names resolve relative to it (as openat). */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

class Walker {
  private readonly opened: number[] = [];
  private readonly queue: string[];
  private root!: Folder;
  private current!: Folder;
  private hops = 0;

  constructor(private readonly rootPath: string, private readonly sandboxPath: string, private readonly options: WalkOptions) {
    this.queue = normaliseSandboxPath(sandboxPath).split('/').filter(Boolean);
  }

  start(): void {
    // The root itself is the daemon's own setting, trusted: it may be reached through symlinks.
    const fd = openSync(this.rootPath, constants.O_RDONLY | constants.O_DIRECTORY);
    this.opened.push(fd);
    this.root = { fd, real: readlinkSync(fdPath(fd)) };
    this.current = this.root;
  }

  async run<T>(act: (place: Place) => Promise<T | typeof FOLLOW>): Promise<T> {
    let throughLink = false;
    for (;;) {
      while (this.queue.length > 1 || this.queue[0] === '.' || this.queue[0] === '..') this.step(this.queue.shift()!);
      const name = this.queue.shift() ?? '.';
      const folder = fdPath(this.current.fd);
      const place = { folder, name, path: `${folder}/${name}` };
      let result: T | typeof FOLLOW;
      try {
        result = await act(place);
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        if (missing && throughLink && !this.options.create) throw notFound(`"${this.normal()}" is a symlink to nothing`);
        throw error;
      }
      if (result !== FOLLOW) return result;
      const text = linkText(place.path);
      if (text === undefined) {
        // No longer a symlink (replaced since the action looked): act again on what is there now.
        this.countHop();
        this.queue.unshift(name);
        continue;
      }
      this.follow(text, true);
      throughLink = true;
    }
  }

  /** Goes into the folder `name` of the current one (creating it when asked), following it if it is a symlink. */
  private step(name: string): void {
    if (name === '.') return;
    if (name === '..') {
      // `..` of the root is outside it; of any other folder, its real parent (checked again in enter).
      if (this.current.real === this.root.real) throw new PathEscapeError(this.sandboxPath, 'symlink');
      return this.enter('..');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return this.enter(name);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTDIR') {
          const text = linkText(`${fdPath(this.current.fd)}/${name}`);
          if (text === undefined) throw error;
          return this.follow(text, false);
        }
        if (code !== 'ENOENT' || !this.options.create || attempt === CREATE_ATTEMPTS) throw error;
        makeFolder(`${fdPath(this.current.fd)}/${name}`);
      }
    }
  }

  private enter(name: string): void {
    const fd = openSync(`${fdPath(this.current.fd)}/${name}`, FOLDER_FLAGS);
    this.opened.push(fd);
    const real = readlinkSync(fdPath(fd));
    // Opened without following links from a folder inside the root, it is inside, unless folders were moved out meanwhile.
    if (!isInside(this.root.real, real)) throw new PathEscapeError(this.sandboxPath, 'symlink');
    this.current = { fd, real };
  }

  /** Goes on at a symlink's target, found in the current folder: its names come next, if it stays inside the root. */
  private follow(text: string, last: boolean): void {
    this.countHop();
    const target = resolve(this.current.real, text);
    const inRoot = [this.root.real, resolve(this.rootPath)].find((root) => isInside(root, target));
    if (inRoot === undefined) return this.escape(target, last);
    if (posix.isAbsolute(text)) {
      this.current = this.root;
      this.queue.unshift(...posix.relative(inRoot, target).split('/').filter(Boolean));
    } else {
      // Relative names are walked one by one from the link's folder, `..` physically, as the kernel would.
      this.queue.unshift(...text.split('/').filter(Boolean));
    }
  }

  /**
   * A symlink out of the root. Reading through one that points at nothing answers 404, as for any dangling link
   * (today's behaviour, which the API's tests pin); the outside target is only stat'ed for that, never opened.
   */
  private escape(target: string, last: boolean): never {
    if (!this.options.create && !exists(target)) {
      throw last ? notFound(`"${this.normal()}" is a symlink to nothing`) : notFound(`no such file or folder: "${this.normal()}"`);
    }
    throw new PathEscapeError(this.sandboxPath, 'symlink');
  }

  private countHop(): void {
    // ELOOP, as the kernel says it: the client is told of a symlink loop, as before the walk was ours.
    if (++this.hops > MAX_LINK_HOPS) throw Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' });
  }

  private normal(): string {
    return normaliseSandboxPath(this.sandboxPath);
  }

  close(): void {
    for (const fd of this.opened) closeSync(fd);
  }
}

/** A symlink's text, or undefined when `path` is not a symlink. */
function linkText(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw error;
  }
}

function exists(hostPath: string): boolean {
  try {
    statSync(hostPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

function makeFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
