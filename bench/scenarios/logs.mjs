// Scenario 4, log throughput: one unit writes MB of short lines to stdout as fast as it can; the time from its start
// (which it records itself) until it has exited and every byte is where the tool keeps logs, and the tool's peak RSS.
// Floor: the same program writing to a file directly.
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ComputeProject } from '../tools/compute.mjs';
import { Pm2 } from '../tools/pm2.mjs';
import { Supervisord } from '../tools/supervisor.mjs';
import { exited, median, memory, start, waitFor } from '../lib/util.mjs';

const LINE_BYTES = 36; // "line NNNNNNNNNN the quick brown fox\n"

const startedAt = (file) => Number(readFileSync(file, 'utf8').trim());
const lastLine = (lines) => `line ${String(lines - 1).padStart(10, '0')} the quick brown fox`;

/** Waits until `file` holds `bytes` bytes; the time (Date.now) it did. */
async function fileReaches(file, bytes) {
  await waitFor(() => {
    try {
      return statSync(file).size >= bytes;
    } catch {
      return false;
    }
  }, { timeoutMs: 300_000, everyMs: 2, what: `${file} to hold ${bytes} bytes` });
  return Date.now();
}

async function floorLogs(ctx, lines) {
  const dir = ctx.tempDir('floor-');
  const out = openSync(join(dir, 'out.log'), 'w');
  const child = start(ctx.writer, [String(lines), join(dir, 'start')], { logFd: out });
  closeSync(out);
  await exited(child);
  const end = Date.now();
  if (statSync(join(dir, 'out.log')).size !== lines * LINE_BYTES) throw new Error('floor: output is short');
  return { ms: end - startedAt(join(dir, 'start')) };
}

async function computeLogs(ctx, lines) {
  const project = new ComputeProject(ctx.tempDir('compute-'));
  const startFile = join(project.dir, 'start');
  project.write([{ name: 'w', command: `exec ${ctx.writer} ${lines} ${startFile}` }], { check: 'none' });
  try {
    await project.up();
    const { state } = await project.until('w', 'completed');
    const ms = Date.parse(state.readyAt) - startedAt(startFile);
    const peak = memory(project.daemonPid()).peakMiB;
    const client = await project.client();
    const tail = [];
    for await (const line of client.unitLogs('w', { tail: 1 })) tail.push(line.text);
    await client.close();
    if (tail[0] !== lastLine(lines)) throw new Error(`compute: the last line logged is ${JSON.stringify(tail[0])}`);
    return { ms, peakMiB: peak };
  } finally {
    await project.down();
  }
}

async function pm2Logs(ctx, lines) {
  const pm2 = new Pm2(ctx.tempDir('pm2-'));
  const out = join(pm2.dir, 'w.out');
  const startFile = join(pm2.dir, 'start');
  const file = pm2.ecosystem([{ name: 'w', script: ctx.writer, args: [String(lines), startFile], autorestart: false, out }]);
  try {
    await pm2.cli(['start', file]);
    const end = await fileReaches(out, lines * LINE_BYTES);
    return { ms: end - startedAt(startFile), peakMiB: memory(pm2.daemonPid()).peakMiB };
  } finally {
    await pm2.kill();
  }
}

async function supervisorLogs(ctx, lines) {
  const supervisor = new Supervisord(ctx.tempDir('supervisor-'));
  const out = join(supervisor.dir, 'w.out');
  const startFile = join(supervisor.dir, 'start');
  supervisor.write([{ name: 'w', command: `${ctx.writer} ${lines} ${startFile}`, autorestart: false, log: out }]);
  try {
    const child = supervisor.start();
    const end = await fileReaches(out, lines * LINE_BYTES);
    return { ms: end - startedAt(startFile), peakMiB: memory(child.pid).peakMiB };
  } finally {
    await supervisor.stop();
  }
}

/** Runs scenario 4 with `megabytes` of output (100 in the full run). */
export async function logThroughput(ctx, megabytes = 100) {
  const lines = Math.round((megabytes * 1e6) / LINE_BYTES);
  const samples = { floor: [], compute: [], pm2: [], supervisord: [] };
  const peaks = { compute: [], pm2: [], supervisord: [] };
  for (let run = 0; run < ctx.runs; run++) {
    samples.floor.push((await floorLogs(ctx, lines)).ms);
    const tools = [['compute', computeLogs], ...(ctx.pm2 ? [['pm2', pm2Logs]] : []), ...(ctx.supervisor ? [['supervisord', supervisorLogs]] : [])];
    for (const [name, measure] of tools) {
      const result = await measure(ctx, lines);
      samples[name].push(result.ms);
      peaks[name].push(result.peakMiB);
    }
    ctx.log(`  run ${run + 1}/${ctx.runs}: ${Object.entries(samples).filter(([, v]) => v.length > run).map(([k, v]) => `${k} ${v[run].toFixed(0)} ms`).join(', ')}`);
  }
  const present = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => v.length > 0));
  return {
    bytes: lines * LINE_BYTES,
    samples: present(samples),
    medians: Object.fromEntries(Object.entries(present(samples)).map(([k, v]) => [k, median(v)])),
    peakRssMiB: Object.fromEntries(Object.entries(present(peaks)).map(([k, v]) => [k, median(v)])),
  };
}
