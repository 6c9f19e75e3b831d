// The log printer of `compute logs` and of `compute up` in the foreground: lines prefixed `name | `, padded to the
// longest name and coloured per unit on a terminal; merged by time, or followed as they come.
import type { LogLine, LogStream } from '../../contract/wire.js';
import { SandboxApiError, type SandboxClient } from '../../sdk/index.js';
import type { CliIO } from '../io.js';
import { stylerFor, unitColour, type Styler } from './style.js';
import { pause } from '../../util/pause.js';

/** Which lines to print and how. */
export interface LogPrintOptions {
  /** One stream only, or `combined` (the default: both). */
  stream?: LogStream;
  /** Only each unit's last N retained lines. */
  tail?: number;
  /** Prefix each line with its ISO 8601 time. */
  timestamps?: boolean;
}

/** Options of followLogs. */
export interface LogFollowOptions extends LogPrintOptions {
  /** Only lines read at or after this time (ms since the epoch): `up` shows this run's output, not the past. */
  since?: number;
  /** Stops following (then `done` resolves once every stream is closed). */
  signal: AbortSignal;
  /** Keep `done` pending until `signal` aborts, even when every followed unit is gone (`up --watch` adds units later). */
  keepOpen?: boolean;
}

/** Follows units' logs; `add` follows one more (a no-op for a unit already followed). */
export interface LogFollower {
  add(name: string): void;
  /** Resolves when `signal` aborted, or (without keepOpen) every followed unit's stream ended; never rejects. */
  readonly done: Promise<void>;
}

/** The part of the SDK client the printer reads logs through. */
export type LogSource = Pick<SandboxClient, 'unitLogs'>;

/** Formats one line: `name | text`, the name padded to `width`, the time after the bar with `timestamps`. */
export function formatLogLine(name: string, line: LogLine, width: number, timestamps: boolean, style: Styler): string {
  const prefix = style(unitColour(name), `${name.padEnd(width)} |`);
  const time = timestamps ? `${new Date(line.ts).toISOString()} ` : '';
  return `${prefix} ${time}${line.text}\n`;
}

/** One unit's line, as merged. */
export interface NamedLine {
  name: string;
  line: LogLine;
}

/** Merges units' lines by time; lines read at the same millisecond keep the units' order, then their own. */
export function mergeByTime(perUnit: readonly { name: string; lines: readonly LogLine[] }[]): NamedLine[] {
  const all = perUnit.flatMap(({ name, lines }, unit) => lines.map((line, index) => ({ name, line, unit, index })));
  all.sort((a, b) => a.line.ts - b.line.ts || a.unit - b.unit || a.index - b.index);
  return all.map(({ name, line }) => ({ name, line }));
}

// Output is written in chunks of about this size, so a long log is a few writes rather than one per line.
const CHUNK = 64 * 1024;

/** Prints the retained lines of the named units, merged by time. A unit removed meanwhile is skipped. */
export async function printLogs(client: LogSource, io: CliIO, names: readonly string[], options: LogPrintOptions = {}): Promise<void> {
  const query = { ...(options.stream ? { stream: options.stream } : {}), ...(options.tail === undefined ? {} : { tail: options.tail }) };
  const perUnit = await Promise.all(names.map(async (name) => ({ name, lines: await readLines(client, name, query) })));
  const width = Math.max(0, ...perUnit.filter(({ lines }) => lines.length > 0).map(({ name }) => name.length));
  const style = stylerFor(io);
  let chunk = '';
  for (const { name, line } of mergeByTime(perUnit)) {
    chunk += formatLogLine(name, line, width, options.timestamps ?? false, style);
    if (chunk.length >= CHUNK) {
      io.stdout(chunk);
      chunk = '';
    }
  }
  if (chunk) io.stdout(chunk);
}

/** A unit's retained lines (the last `tail` of them); none when the daemon no longer has the unit. */
export async function readLines(client: LogSource, name: string, query: { stream?: LogStream; tail?: number }): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  try {
    for await (const line of client.unitLogs(name, query)) lines.push(line);
  } catch (error) {
    if (!isGone(error)) throw error;
  }
  return lines;
}

// A 404 means the unit was removed (or never existed): its log has ended, which is not an error to report.
function isGone(error: unknown): boolean {
  return error instanceof SandboxApiError && error.status === 404;
}

/**
 * Follows the named units' logs, printing each line as it arrives, across restarts, until `signal` aborts. A unit
 * whose stream ends (it was removed) is dropped quietly. A stream that fails (the daemon restarting, a reset
 * connection) is reported once on stderr and re-opened, without printing again what was already printed.
 */
export function followLogs(client: LogSource, io: CliIO, names: readonly string[], options: LogFollowOptions): LogFollower {
  const style = stylerFor(io);
  const active = new Map<string, Promise<void>>();
  let width = 0;
  let reported = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const finish = () => void Promise.all(active.values()).then(resolveDone);
  options.signal.addEventListener('abort', finish, { once: true });

  const print = (name: string, line: LogLine) => io.stdout(formatLogLine(name, line, width, options.timestamps ?? false, style));
  const onError = (name: string, error: unknown) => {
    if (reported) return;
    reported = true;
    io.stderr(`compute: the log stream of ${name} failed (${error instanceof Error ? error.message : String(error)}); reconnecting\n`);
  };
  const add = (name: string) => {
    if (active.has(name) || options.signal.aborted) return;
    width = Math.max(width, name.length);
    const following = followOne(client, name, options, print, onError, () => (reported = false)).finally(() => {
      active.delete(name);
      if (active.size === 0 && !options.keepOpen && !options.signal.aborted) resolveDone();
    });
    active.set(name, following);
  };
  for (const name of names) add(name);
  if (names.length === 0 && !options.keepOpen) resolveDone();
  if (options.signal.aborted) resolveDone();
  return { add, done };
}

// Where a follower is in a unit's log: the time of the last line printed, and how many lines of that time were
// printed, so a re-opened stream (which starts with the retained lines again) skips exactly what was shown.
interface Position {
  ts: number;
  count: number;
}

async function followOne(
  client: LogSource,
  name: string,
  options: LogFollowOptions,
  print: (name: string, line: LogLine) => void,
  onError: (name: string, error: unknown) => void,
  onRecovered: () => void,
): Promise<void> {
  const { signal } = options;
  const position: Position = { ts: options.since ?? -Infinity, count: 0 };
  let printed = false;
  let failures = 0;
  while (!signal.aborted) {
    // The tail applies to the first opening only: after a failure, the position says where to go on from.
    const tail = printed || failures > 0 ? undefined : options.tail;
    const query = { follow: true, signal, ...(options.stream ? { stream: options.stream } : {}), ...(tail === undefined ? {} : { tail }) };
    try {
      let skipAtTs = position.count;
      for await (const line of client.unitLogs(name, query)) {
        if (failures > 0) {
          failures = 0;
          onRecovered();
        }
        if (line.ts < position.ts || (line.ts === position.ts && skipAtTs-- > 0)) continue;
        position.count = line.ts === position.ts ? position.count + 1 : 1;
        position.ts = line.ts;
        printed = true;
        print(name, line);
      }
      return;
    } catch (error) {
      if (signal.aborted || isGone(error)) return;
      onError(name, error);
      failures++;
      await pause(Math.min(2000, 100 * 2 ** Math.min(failures, 5)), signal);
    }
  }
}
