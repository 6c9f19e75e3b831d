// Scenario 4, log throughput: one unit writes MB of short lines to stdout as fast as it can; the time from its start
// (which it records itself) until it has exited and every byte is where the tool keeps logs, and the tool's peak RSS.
// Also the time the unit itself took to write everything (it records that too): a supervisor that cannot keep up
// slows its unit down. Floor: the same program writing to a file directly.
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ComputeProject } from '../tools/compute.mjs';
import { Pm2 } from '../tools/pm2.mjs';
import { Supervisord } from '../tools/supervisor.mjs';
import { exited, median, memory, start, waitFor } from '../lib/util.mjs';

const LINE_BYTES = 36; // "line NNNNNNNNNN the quick brown fox\n"

/** The writer's own start and finish times (ms since the epoch); finish is undefined until it has written it. */
function writerTimes(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // the tool has not started the writer yet
  }
  const [start, finish] = text.trim().split('\n').filter(Boolean).map(Number);
  return { start, finish };
}
const startedAt = (file) => writerTimes(file).start;
/** Waits for the writer's finish line, and returns how long after its start it finished writing. */
async function writingMs(file) {
  const { start, finish } = await waitFor(() => {
    const times = writerTimes(file);
    return times.finish === undefined ? undefined : times;
  }, { timeoutMs: 60_000, everyMs: 5, what: 'the writer to finish' });
  return finish - start;
}
const lastLine = (lines) => `line ${String(lines - 1).padStart(10, '0')} the quick brown fox`;

/**
 * Waits until `file` holds `bytes` bytes, or, once the writer has finished (its `startFile` says so), until the file
 * has not grown for a second: a tool may drop output under pressure (pm2 did: 0.7 % of 100 MB in one run). Returns
 * when the file last grew (Date.now) and how many bytes it holds.
 */
async function fileSettles(file, bytes, startFile) {
  let size = -1;
  let grewAt = Date.now();
  await waitFor(() => {
    let now = 0;
    try {
      now = statSync(file).size;
    } catch {
      // not created yet
    }
    if (now !== size) {
      size = now;
      grewAt = Date.now();
    }
    if (size >= bytes) return true;
    return writerTimes(startFile).finish !== undefined && Date.now() - grewAt > 1000;
  }, { timeoutMs: 300_000, everyMs: 2, what: `${file} to hold ${bytes} bytes` });
  return { end: grewAt, stored: size };
}

async function floorLogs(ctx, lines) {
  const dir = ctx.tempDir('floor-');
  const out = openSync(join(dir, 'out.log'), 'w');
  const child = start(ctx.writer, [String(lines), join(dir, 'start')], { logFd: out });
  closeSync(out);
  try {
    await exited(child);
    const end = Date.now();
    if (statSync(join(dir, 'out.log')).size !== lines * LINE_BYTES) throw new Error('floor: output is short');
    return { ms: end - startedAt(join(dir, 'start')), writingMs: await writingMs(join(dir, 'start')) };
  } finally {
    ctx.removeDir(dir);
  }
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
    return { ms, peakMiB: peak, writingMs: await writingMs(startFile) };
  } finally {
    await project.down();
    ctx.removeDir(project.dir);
  }
}

async function pm2Logs(ctx, lines) {
  const pm2 = new Pm2(ctx.tempDir('pm2-'));
  const out = join(pm2.dir, 'w.out');
  const startFile = join(pm2.dir, 'start');
  const file = pm2.ecosystem([{ name: 'w', script: ctx.writer, args: [String(lines), startFile], autorestart: false, out }]);
  try {
    await pm2.cli(['start', file]);
    const { end, stored } = await fileSettles(out, lines * LINE_BYTES, startFile);
    return { ms: end - startedAt(startFile), peakMiB: memory(pm2.daemonPid()).peakMiB, writingMs: await writingMs(startFile), lost: lines * LINE_BYTES - stored };
  } finally {
    await pm2.kill();
    ctx.removeDir(pm2.dir);
  }
}

async function supervisorLogs(ctx, lines) {
  const supervisor = new Supervisord(ctx.tempDir('supervisor-'));
  const out = join(supervisor.dir, 'w.out');
  const startFile = join(supervisor.dir, 'start');
  supervisor.write([{ name: 'w', command: `${ctx.writer} ${lines} ${startFile}`, autorestart: false, log: out }]);
  try {
    const child = supervisor.start();
    const { end, stored } = await fileSettles(out, lines * LINE_BYTES, startFile);
    return { ms: end - startedAt(startFile), peakMiB: memory(child.pid).peakMiB, writingMs: await writingMs(startFile), lost: lines * LINE_BYTES - stored };
  } finally {
    await supervisor.stop();
    ctx.removeDir(supervisor.dir);
  }
}

/** Runs scenario 4 with `megabytes` of output (100 in the full run). */
export async function logThroughput(ctx, megabytes = 100) {
  const lines = Math.round((megabytes * 1e6) / LINE_BYTES);
  const samples = { floor: [], compute: [], pm2: [], supervisord: [] };
  const writing = { floor: [], compute: [], pm2: [], supervisord: [] };
  const peaks = { compute: [], pm2: [], supervisord: [] };
  const lost = { compute: 0, pm2: 0, supervisord: 0 };
  for (let run = 0; run < ctx.runs; run++) {
    const floor = await floorLogs(ctx, lines);
    samples.floor.push(floor.ms);
    writing.floor.push(floor.writingMs);
    const tools = [['compute', computeLogs], ...(ctx.pm2 ? [['pm2', pm2Logs]] : []), ...(ctx.supervisor ? [['supervisord', supervisorLogs]] : [])];
    for (const [name, measure] of tools) {
      const result = name === 'compute' ? await measure(ctx, lines) : await ctx.peer(name, () => measure(ctx, lines));
      if (!result) continue;
      samples[name].push(result.ms);
      writing[name].push(result.writingMs);
      lost[name] += result.lost ?? 0;
      peaks[name].push(result.peakMiB);
    }
    ctx.log(`  run ${run + 1}/${ctx.runs} (stored; writing took): ${Object.entries(samples).filter(([, v]) => v.length > 0).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms (${writing[k].at(-1).toFixed(0)})`).join(', ')}`);
  }
  const present = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => v.length > 0));
  return {
    bytes: lines * LINE_BYTES,
    samples: present(samples),
    medians: Object.fromEntries(Object.entries(present(samples)).map(([k, v]) => [k, median(v)])),
    writingMs: Object.fromEntries(Object.entries(present(writing)).map(([k, v]) => [k, median(v)])),
    peakRssMiB: Object.fromEntries(Object.entries(present(peaks)).map(([k, v]) => [k, median(v)])),
    /** Bytes a tool did not store, over all runs (compute's last line is checked instead: it fails the run). */
    lostBytes: lost,
  };
}
