// Shared by the bwrap provider's tests: a sandbox root per test that is emptied (every sandbox destroyed) and removed
// after it, the real computesdk 4.x `compute` over the provider, and a look through /proc for what a sandbox left.
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compute } from 'computesdk4';
import { afterEach, beforeEach } from 'vitest';
import { bwrap, type BwrapSandbox } from '../../src/providers/bwrap/index.js';
import { isAlive } from '../helpers/procs.js';

const TOOLS = ['bwrap', 'slirp4netns', 'nsenter', 'setpriv'];
const onPath = (tool: string) => (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, tool)));
const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
/** The tools the provider needs that this machine lacks. */
export const missingTools = TOOLS.filter((tool) => !onPath(tool));
/** True when these tests are skipped: a tool is missing and this is not CI (where a missing tool fails them). */
export const skipBwrap = missingTools.length > 0 && !inCI;
if (skipBwrap) console.warn(`skipping the bwrap provider tests: ${missingTools.join(', ')} not installed (apt-get install bubblewrap slirp4netns util-linux); under CI=true they fail`);

/** The computesdk 4.x manager a test drives, and the root folder of its sandboxes. */
export interface BwrapHarness {
  sdk: ReturnType<typeof compute>;
  root: string;
}

/** Registers hooks that give each test a fresh root and destroy every sandbox left in it afterwards. */
export function useBwrap(): BwrapHarness {
  const harness = {} as BwrapHarness;
  beforeEach(() => {
    if (missingTools.length > 0) throw new Error(`${missingTools.join(', ')} not on PATH: apt-get install bubblewrap slirp4netns util-linux (.ci/run does this in CI)`);
    // A short path: the forwarder's unix socket lives in the sandbox folder.
    harness.root = mkdtempSync(join(tmpdir(), 'bw-'));
    harness.sdk = compute({ provider: bwrap({ root: harness.root }) });
  });
  afterEach(async () => {
    try {
      for (const sandbox of await harness.sdk.sandbox.list()) await sandbox.destroy();
    } finally {
      rmSync(harness.root, { recursive: true, force: true });
    }
  });
  return harness;
}

/** The native sandbox (pids and folder) behind a computesdk sandbox of this provider, through its getInstance(). */
export function native(sandbox: object): BwrapSandbox {
  return (sandbox as { getInstance(): BwrapSandbox }).getInstance();
}

/** The PID namespace (as `pid:[inode]`) a process is in, or undefined when it is gone. */
export function pidNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/**
 * What is still alive of a sandbox: its recorded processes, any process whose command line names its folder, any
 * process in its PID namespace (`ns`, read while it lived) and any mount of this machine that names its folder.
 */
export function leftovers(instance: BwrapSandbox, ns: string | undefined): string[] {
  const { record, folder } = instance;
  const found: string[] = [];
  for (const [what, ref] of Object.entries({ init: record.init, bwrap: record.bwrap, forwarder: record.forwarder })) {
    if (isAlive(ref.pid)) found.push(`${what} ${ref.pid}`);
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !isAlive(Number(entry))) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(folder)) found.push(`process ${entry} naming the folder`);
      if (ns !== undefined && readlinkSync(`/proc/${entry}/ns/pid`) === ns) found.push(`process ${entry} in the sandbox`);
    } catch {
      // gone while we looked
    }
  }
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (line.includes(folder)) found.push(`mount ${line}`);
  }
  return found;
}
