// Race-free confinement of a sandbox path: each name is opened relative to the folder before it, starting from an fd
// of the root, and the kernel never follows a symlink on its own (O_NOFOLLOW on every name). Symlinks are read and
// followed here, only while they stay inside the root. Checking a realpath and then opening the path left a window in
// which a folder swapped for a symlink led reads and writes outside the root (issue 13: thousands of 10,000 did).
import { constants } from 'node:fs';
import { mkdir, open, readlink, stat, type FileHandle } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import { badRequest, notFound } from '../errors.js';
import { isInside, normaliseSandboxPath, PathEscapeError } from '../../contract/paths.js';

// As the kernel's limit on symlinks in one lookup (ELOOP), so that a loop of links ends.
const MAX_LINK_HOPS = 40;
// A folder reached by a walk: a symlink in its place fails (ENOTDIR) instead of being followed.
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
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
    await walker.start();
    return await walker.run(act);
  } finally {
    await walker.close();
  }
}

/** `/proc/self/fd/<fd>`: the kernel's name of an open file, through which names resolve relative to it (as openat). */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

class Walker {
  private readonly opened: FileHandle[] = [];
  private readonly queue: string[];
  private root!: Folder;
  private current!: Folder;
  private hops = 0;

  constructor(private readonly rootPath: string, private readonly sandboxPath: string, private readonly options: WalkOptions) {
    this.queue = normaliseSandboxPath(sandboxPath).split('/').filter(Boolean);
  }

  async start(): Promise<void> {
    // The root itself is the daemon's own setting, trusted: it may be reached through symlinks.
    const handle = await open(this.rootPath, constants.O_RDONLY | constants.O_DIRECTORY);
    this.opened.push(handle);
    this.root = { fd: handle.fd, real: await readlink(fdPath(handle.fd)) };
    this.current = this.root;
  }

  async run<T>(act: (place: Place) => Promise<T | typeof FOLLOW>): Promise<T> {
    let throughLink = false;
    for (;;) {
      while (this.queue.length > 1 || this.queue[0] === '.' || this.queue[0] === '..') await this.step(this.queue.shift()!);
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
      const text = await linkText(place.path);
      if (text === undefined) {
        // No longer a symlink (replaced since the action looked): act again on what is there now.
        this.countHop();
        this.queue.unshift(name);
        continue;
      }
      await this.follow(text, true);
      throughLink = true;
    }
  }

  /** Goes into the folder `name` of the current one (creating it when asked), following it if it is a symlink. */
  private async step(name: string): Promise<void> {
    if (name === '.') return;
    if (name === '..') {
      // `..` of the root is outside it; of any other folder, its real parent (checked again in enter).
      if (this.current.real === this.root.real) throw new PathEscapeError(this.sandboxPath, 'symlink');
      return this.enter('..');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.enter(name);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTDIR') {
          const text = await linkText(`${fdPath(this.current.fd)}/${name}`);
          if (text === undefined) throw error;
          return this.follow(text, false);
        }
        if (code !== 'ENOENT' || !this.options.create || attempt === CREATE_ATTEMPTS) throw error;
        await mkdir(`${fdPath(this.current.fd)}/${name}`).catch(ignoreExists);
      }
    }
  }

  private async enter(name: string): Promise<void> {
    const handle = await open(`${fdPath(this.current.fd)}/${name}`, FOLDER_FLAGS);
    this.opened.push(handle);
    const real = await readlink(fdPath(handle.fd));
    // Opened without following links from a folder inside the root, it is inside, unless folders were moved out meanwhile.
    if (!isInside(this.root.real, real)) throw new PathEscapeError(this.sandboxPath, 'symlink');
    this.current = { fd: handle.fd, real };
  }

  /** Goes on at a symlink's target, found in the current folder: its names come next, if it stays inside the root. */
  private async follow(text: string, last: boolean): Promise<void> {
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
  private async escape(target: string, last: boolean): Promise<never> {
    if (!this.options.create && !(await exists(target))) {
      throw last ? notFound(`"${this.normal()}" is a symlink to nothing`) : notFound(`no such file or folder: "${this.normal()}"`);
    }
    throw new PathEscapeError(this.sandboxPath, 'symlink');
  }

  private countHop(): void {
    if (++this.hops > MAX_LINK_HOPS) throw badRequest(`"${this.normal()}": too many levels of symbolic links`);
  }

  private normal(): string {
    return normaliseSandboxPath(this.sandboxPath);
  }

  async close(): Promise<void> {
    await Promise.all(this.opened.map((handle) => handle.close()));
  }
}

/** A symlink's text, or undefined when `path` is not a symlink. */
async function linkText(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw error;
  }
}

async function exists(hostPath: string): Promise<boolean> {
  try {
    await stat(hostPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

function ignoreExists(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
}
