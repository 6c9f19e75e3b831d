// Starting a sandbox: a long-lived bwrap "holder" whose init owns the sandbox's namespaces (its own /, PID, network,
// IPC and UTS namespaces) and a slirp4netns forwarder that gives the network namespace a link and forwards host
// ports into it. Both run in their own sessions, detached, so the sandbox outlives the process that made it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { refOf, waitUntil, type ProcessRef } from './proc.js';
import { PRIVATE_DIRS, privateFolder } from './store.js';

/** The processes a started sandbox consists of. */
export interface Holder {
  init: ProcessRef;
  bwrap: ProcessRef;
  forwarder: ProcessRef;
  userns: boolean;
}

/** Host folders shared read-only, or as the same symlink where the host has one (merged /usr). */
const SHARED = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
const START_TIMEOUT_MS = 10_000;

/** The bwrap arguments of a sandbox whose folder is `folder`. */
export function bwrapArgs(folder: string, hostname: string, userns: boolean): string[] {
  const args = ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (userns) args.push('--unshare-user', '--uid', '0', '--gid', '0');
  args.push('--hostname', hostname, '--cap-drop', 'ALL');
  for (const path of SHARED) {
    if (!existsSync(path)) continue;
    if (lstatSync(path).isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else args.push('--ro-bind', path, path);
  }
  for (const name of PRIVATE_DIRS) args.push('--bind', privateFolder(folder, name), `/${name}`);
  // The root itself is a tmpfs of bwrap's: read-only, so the private folders are the only places a unit can write.
  args.push('--proc', '/proc', '--dev', '/dev', '--remount-ro', '/', '--chdir', '/app', '--info-fd', '3', '--', '/usr/bin/sleep', 'infinity');
  return args;
}

/** The path of the forwarder's API socket (a unix socket path must stay under 108 bytes). */
export function apiSocket(folder: string): string {
  const path = join(folder, 'api.sock');
  if (Buffer.byteLength(path) > 100) throw new Error(`bwrap provider: the sandbox folder ${folder} is too deep for a unix socket; use a shorter root`);
  return path;
}

/** Starts the holder and the forwarder of the sandbox in `folder`; on failure nothing it started is left running. */
export async function startHolder(folder: string, hostname: string): Promise<Holder> {
  const userns = process.getuid?.() !== 0;
  const { init, bwrap } = await startInitWithRetries(folder, hostname, userns);
  try {
    return { init, bwrap, forwarder: await startForwarder(folder, init, userns), userns };
  } catch (error) {
    process.kill(init.pid, 'SIGKILL');
    throw error;
  }
}

/**
 * Starts the slirp4netns forwarder that links the sandbox's network namespace (its init's) to the host and forwards
 * host ports into it: at the start, and again when it died (its forwards are made anew on demand, on new host ports).
 */
export async function startForwarder(folder: string, init: ProcessRef, userns: boolean): Promise<ProcessRef> {
  const socket = apiSocket(folder);
  rmSync(socket, { force: true });
  const forwarderArgs = ['--configure', '--mtu=65520', '--disable-host-loopback', '--api-socket', socket, '--ready-fd', '3'];
  if (userns) forwarderArgs.push('--userns-path', `/proc/${init.pid}/ns/user`);
  const forwarderLog = join(folder, 'forwarder.log');
  const slirp = spawnDetached('slirp4netns', [...forwarderArgs, String(init.pid), 'tap0'], forwarderLog);
  try {
    await readFd3(slirp, forwarderLog, (text) => text.includes('1'), 'slirp4netns to be ready');
    return refOf(slirp.pid as number);
  } catch (error) {
    slirp.kill('SIGKILL');
    throw error;
  }
}

// bwrap reports its child before that child has set up the namespaces, and the setup can fail now and then on a busy
// machine ("loopback: Failed RTM_NEWADDR: No child processes", seen here about once in ten under load): a holder
// counts as started only once its init has started `sleep`, and a failed start is tried again.
async function startInitWithRetries(folder: string, hostname: string, userns: boolean): Promise<{ init: ProcessRef; bwrap: ProcessRef }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startInit(folder, hostname, userns);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function startInit(folder: string, hostname: string, userns: boolean): Promise<{ init: ProcessRef; bwrap: ProcessRef }> {
  const log = join(folder, 'holder.log');
  const holder = spawnDetached('bwrap', bwrapArgs(folder, hostname, userns), log);
  let exited = false;
  holder.once('exit', () => (exited = true));
  try {
    const info = JSON.parse(await readFd3(holder, log, isJson, 'bwrap to report its child')) as { 'child-pid': number };
    const initPid = info['child-pid'];
    const init = refOf(initPid);
    const bwrap = refOf(holder.pid as number);
    await waitUntil(() => exited || hasChild(initPid), START_TIMEOUT_MS, 'the sandbox init to start');
    if (exited || !hasChild(initPid)) throw new Error(`bwrap provider: the sandbox did not start: ${logTail(log)}`);
    return { init, bwrap };
  } catch (error) {
    holder.kill('SIGKILL');
    throw error;
  }
}

function hasChild(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// Detached (own session), output to a log file in the sandbox folder, fd 3 a pipe back to us for its report.
function spawnDetached(command: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a', 0o600);
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd, 'pipe'] });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

// Reads the child's fd 3 until `done(text)` holds; rejects when the child exits first or after a deadline.
function readFd3(child: ChildProcess, log: string, done: (text: string) => boolean, what: string): Promise<string> {
  const stream = child.stdio[3] as Readable;
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      stream.off('data', onData);
      stream.destroy();
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (done(text)) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`bwrap provider: ${child.spawnfile} exited (${code}) before ${what}: ${logTail(log)}`));
    const onError = (error: Error) => finish(new Error(`bwrap provider: could not run ${child.spawnfile} (${error.message}); install Debian's bubblewrap and slirp4netns`));
    const timer = setTimeout(() => finish(new Error(`bwrap provider: timed out after ${START_TIMEOUT_MS} ms waiting for ${what}`)), START_TIMEOUT_MS);
    stream.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function logTail(log: string): string {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ') || '(empty log)';
  } catch {
    return '(no log)';
  }
}
