// Small helpers of the benchmark harness: statistics, waiting on conditions, ports, commands and /proc figures.
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** The median of numbers (mean of the middle two for an even count); NaN for none. */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds since an arbitrary origin, sub-millisecond. */
export const now = () => performance.now();

/** Polls `check` every `everyMs` until it returns a truthy value, which it resolves with; throws after `timeoutMs`. */
export async function waitFor(check, { timeoutMs = 30_000, everyMs = 5, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** True when something accepts a TCP connection on 127.0.0.1:port. */
export function accepts(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until every port accepts a connection: each round tries the ports not yet up, then pauses `everyMs`.
 * Every tool and the floor are timed with this same loop, so its own cost is in every figure alike.
 */
export async function waitPorts(ports, { timeoutMs = 60_000, everyMs = 2 } = {}) {
  let pending = [...ports];
  await waitFor(
    async () => {
      const up = await Promise.all(pending.map((port) => accepts(port)));
      pending = pending.filter((_, i) => !up[i]);
      return pending.length === 0;
    },
    { timeoutMs, everyMs, what: `ports ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', ...' : ''} to accept` },
  );
}

/** Waits until no port accepts connections any more (the previous run's processes are gone). */
export async function waitPortsClosed(ports, timeoutMs = 30_000) {
  await waitFor(async () => (await Promise.all(ports.map((port) => accepts(port)))).every((up) => !up), {
    timeoutMs,
    everyMs: 20,
    what: 'ports to close',
  });
}

/** The pid the fixture listener on `port` answers with (its HTTP body); undefined when nothing answers. */
export function listenerPid(port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (pid) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(pid);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('connect', () => socket.write('GET / HTTP/1.1\r\nHost: bench\r\n\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      const match = /\r\n\r\n(\d+)$/.exec(reply);
      if (match) done(Number(match[1]));
    });
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
  });
}

// Port blocks rotate through 20000-32000: below the kernel's ephemeral range (32768-60999), so that no outgoing
// connection (a health probe's source port) can hold a port a unit must bind, which would fail it and spoil a figure.
let nextBlock = 0;
/** `count` consecutive ports for one run, a different block each call. */
export function portBlock(count) {
  const size = Math.ceil(count / 100) * 100 + 100;
  const base = 20_000 + (nextBlock % Math.floor(12_000 / size)) * size;
  nextBlock++;
  return Array.from({ length: count }, (_, i) => base + i);
}

/** Runs a command to its end; resolves with its exit code, output and duration (rejects only if it cannot start). */
export function run(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = now();
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      const ms = now() - started;
      if (error && typeof error.code !== 'number' && error.code !== undefined) return reject(error);
      resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr, ms });
    });
  });
}

/** Runs a command and throws with its output when it fails. */
export async function runOk(file, args, options = {}) {
  const result = await run(file, args, options);
  if (result.code !== 0) throw new Error(`${[file, ...args].join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`.slice(0, 4000));
  return result;
}

/** Spawns a long-running child with its output going to `logFd` (or ignored). */
export function start(file, args, options = {}) {
  return spawn(file, args, { stdio: ['ignore', options.logFd ?? 'ignore', options.logFd ?? 'ignore'], ...options });
}

/** Resolves when a child process has exited (at once if it already has). */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** CPU time (user + system) a process has used, in ms, from /proc/PID/stat; undefined when it is gone. */
export function cpuMs(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** A process's resident set size now and at its peak (VmRSS, VmHWM), in MiB. */
export function memory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return { rssMiB: Number.NaN, peakMiB: Number.NaN };
  }
}

/** True while the pid exists and is not a zombie. */
export function alive(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of the live processes whose environment holds `KEY=value` (to find what a tool left behind). */
export function pidsWithEnv(entry) {
  const found = [];
  for (const name of readdirSafe('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry) && alive(Number(name))) found.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function readdirSafe(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
