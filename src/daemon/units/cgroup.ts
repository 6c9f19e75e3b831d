// Tracking a unit's processes by a cgroup where the machine lets the daemon make one. Why: a process that calls
// setsid, double-forks or daemonizes (redis-server --daemonize yes, which also clears its environment) leaves the
// unit's process group and markers behind, but it cannot leave its cgroup; a stop that ends the cgroup ends it too.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cgroup interface in use: v2 (cgroup.kill, cgroup.freeze), v1 freezer (freeze, then kill), v1 pids (kill only). */
export type CgroupKind = 'v2' | 'freezer' | 'pids';

/** A cgroup hierarchy the daemon can write to. */
export interface Hierarchy {
  kind: CgroupKind;
  /** Where the hierarchy is mounted. */
  mount: string;
  /** The daemon's own cgroup, as a path inside the hierarchy (`/` or `/user.slice/...`). */
  own: string;
}

/** The hierarchies to try, best first: pure v2, then the v1 freezer, v1 pids, and a hybrid machine's v2 tree. */
export function candidateHierarchies(mounts = readText('/proc/mounts'), selfCgroup = readText('/proc/self/cgroup'), pureV2 = existsSync('/sys/fs/cgroup/cgroup.controllers')): Hierarchy[] {
  // /proc/self/cgroup lines are `id:controllers:path`; v2's has no controllers.
  const memberships = selfCgroup.split('\n').flatMap((line) => {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    return match ? [{ controllers: (match[1] ?? '').split(','), path: match[2] ?? '/' }] : [];
  });
  const mountsOf = mounts.split('\n').map((line) => line.split(' '));
  const found: Hierarchy[] = [];
  const add = (kind: CgroupKind, mount: string | undefined, controller: string) => {
    const own = memberships.find((entry) => entry.controllers.includes(controller))?.path;
    if (mount !== undefined && own !== undefined) found.push({ kind, mount, own });
  };
  const v1Mount = (controller: string) => mountsOf.find((fields) => fields[2] === 'cgroup' && (fields[3] ?? '').split(',').includes(controller))?.[1];
  const v2Mount = mountsOf.find((fields) => fields[2] === 'cgroup2')?.[1];
  if (pureV2) add('v2', v2Mount, '');
  add('freezer', v1Mount('freezer'), 'freezer');
  add('pids', v1Mount('pids'), 'pids');
  if (!pureV2) add('v2', v2Mount, '');
  return found;
}

/** The cgroups of one sandbox's units: `<hierarchy>/<daemon's cgroup>/compute/<sandbox hash>/u-<unit>`. */
export class SandboxCgroups {
  /** The folder of this sandbox's unit cgroups. */
  readonly dir: string;

  constructor(
    readonly hierarchy: Hierarchy,
    sandboxId: string,
  ) {
    // A daemon started from inside a unit (its CLI ran there) lives in that unit's cgroup: use the tree above it.
    const own = hierarchy.own.includes('/compute/') ? hierarchy.own.slice(0, hierarchy.own.indexOf('/compute/')) : hierarchy.own;
    const hash = createHash('sha256').update(sandboxId).digest('hex').slice(0, 16);
    this.dir = join(hierarchy.mount, own, 'compute', hash);
  }

  /** The cgroup of a unit (not created yet). The `u-` prefix keeps a unit named `tasks` off the cgroup's own files. */
  unit(name: string): UnitCgroup {
    return new UnitCgroup(this.hierarchy, join(this.dir, `u-${name}`), join(this.hierarchy.mount, this.hierarchy.own));
  }

  /** Names of the units that have a cgroup (an earlier daemon's processes may still be in it). */
  existing(): string[] {
    try {
      return readdirSync(this.dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() && entry.name.startsWith('u-') ? [entry.name.slice(2)] : []));
    } catch {
      return [];
    }
  }

  /** Removes the sandbox's folder once its last unit cgroup is gone; a unit still being started keeps it. */
  removeIfEmpty(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // ENOTEMPTY / EBUSY: another unit's cgroup is in it; ENOENT: already gone.
    }
  }
}

/** The values of COMPUTE_CGROUP: `auto` (the default: the best hierarchy found), a kind, or `none` (no cgroups). */
export const CGROUP_CHOICES = ['auto', 'v2', 'freezer', 'pids', 'none'] as const;

/**
 * The hierarchies to try as COMPUTE_CGROUP asks: all found (auto), only those of one kind (a hybrid machine's v2
 * tree instead of v1's freezer, say), or none. An unknown value is an error naming the ones it may be.
 */
export function chosenHierarchies(choice = process.env.COMPUTE_CGROUP ?? 'auto', found: () => Hierarchy[] = () => candidateHierarchies()): Hierarchy[] {
  if (!(CGROUP_CHOICES as readonly string[]).includes(choice)) {
    throw new Error(`COMPUTE_CGROUP must be one of ${CGROUP_CHOICES.join(', ')}, got "${choice}"`);
  }
  if (choice === 'none') return [];
  return choice === 'auto' ? found() : found().filter((hierarchy) => hierarchy.kind === choice);
}

/** Finds a hierarchy this process can make cgroups in (creating `compute/` in it), for a sandbox; undefined if none. */
export function openSandboxCgroups(sandboxId: string, hierarchies: Hierarchy[] = chosenHierarchies()): SandboxCgroups | undefined {
  for (const hierarchy of hierarchies) {
    const cgroups = new SandboxCgroups(hierarchy, sandboxId);
    try {
      mkdirSync(cgroups.dir, { recursive: true });
      return cgroups;
    } catch {
      // EACCES (not root, not delegated) or EROFS (read-only cgroupfs): try the next one.
    }
  }
  return undefined;
}

// Cgroups being frozen or frozen, by path. Why: a daemon that entered one of them to spawn would freeze itself.
const freezing = new Set<string>();

/** One unit's cgroup. Every operation tolerates the cgroup being absent (never made, or already removed). */
export class UnitCgroup {
  constructor(
    readonly hierarchy: Hierarchy,
    readonly path: string,
    /** The daemon's own cgroup folder, where it returns after spawning into this one. */
    private readonly home: string,
  ) {}

  /**
   * Moves the daemon itself into this cgroup (made if missing), so that a child it spawns now is born in it and
   * cannot fork a single process outside it first; `leave` must follow the (synchronous) spawn. False if refused.
   */
  enter(): boolean {
    if (freezing.has(this.path)) return false;
    try {
      mkdirSync(this.path, { recursive: true });
      writeFileSync(join(this.path, 'cgroup.procs'), String(process.pid));
      return true;
    } catch {
      return false;
    }
  }

  /** Moves the daemon back to its own cgroup. */
  leave(): void {
    writeQuiet(join(this.home, 'cgroup.procs'), String(process.pid));
  }

  /** Pids of the processes in the cgroup (zombies are not listed). */
  pids(): number[] {
    const text = readText(join(this.path, 'cgroup.procs'));
    return text.split('\n').flatMap((line) => (line === '' ? [] : [Number(line)]));
  }

  /** Sends a signal to every process in the cgroup. */
  signal(signal: NodeJS.Signals): void {
    for (const pid of this.pids()) {
      // The daemon is only ever inside while it spawns, but if its move back failed it must not end itself.
      if (pid === process.pid) continue;
      try {
        process.kill(pid, signal);
      } catch {
        // ESRCH: it exited meanwhile.
      }
    }
  }

  /** SIGKILLs every process in it; frozen first where the hierarchy can freeze, so that nothing forks in between. */
  async kill(): Promise<void> {
    if (this.hierarchy.kind === 'v2' && writeQuiet(join(this.path, 'cgroup.kill'), '1')) return;
    freezing.add(this.path);
    try {
      const frozen = await this.setFrozen(true);
      this.signal('SIGKILL');
      // A frozen task dies of its pending SIGKILL once thawed.
      if (frozen) await this.setFrozen(false);
    } finally {
      freezing.delete(this.path);
    }
  }

  /** Removes the cgroup; false while it still has processes (EBUSY). */
  remove(): boolean {
    try {
      rmdirSync(this.path);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }

  // Freezes or thaws; true once done. Freezing is asynchronous in the kernel: waits (briefly) for it to finish.
  private async setFrozen(frozen: boolean): Promise<boolean> {
    const v2 = this.hierarchy.kind === 'v2';
    if (this.hierarchy.kind === 'pids') return false;
    if (!writeQuiet(join(this.path, v2 ? 'cgroup.freeze' : 'freezer.state'), v2 ? (frozen ? '1' : '0') : frozen ? 'FROZEN' : 'THAWED')) return false;
    if (!frozen) return true;
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      const state = v2 ? readText(join(this.path, 'cgroup.events')).includes('frozen 1') : readText(join(this.path, 'freezer.state')).trim() === 'FROZEN';
      if (state) return true;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // Not frozen in time (a task stuck in the kernel): kill anyway; the caller repeats until the cgroup is empty.
    return true;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function writeQuiet(path: string, content: string): boolean {
  try {
    writeFileSync(path, content);
    return true;
  } catch {
    return false;
  }
}
