// Scenario 2, re-apply: 50 units running; one unit's environment changes under `compute up --watch`, and one unit
// is restarted from the command line; timed until its new process accepts connections, beside the floor,
// `pm2 restart` and `supervisorctl restart`. The other units' pids must not change.
import { writeFileSync } from 'node:fs';
import { ComputeProject, composeFile } from '../tools/compute.mjs';
import { floorDown, floorUp, spawnListener } from '../tools/floor.mjs';
import { Pm2 } from '../tools/pm2.mjs';
import { Supervisord } from '../tools/supervisor.mjs';
import { exited, listenerPid, median, now, waitFor, waitPorts, waitPortsClosed } from '../lib/util.mjs';
import { listenerUnits } from './cold-up.mjs';

const TARGET = 7;

/** Waits until the listener on `port` answers with a pid other than `oldPid`; the time that took from `t0`. */
async function newPidAfter(port, oldPid, t0) {
  const pid = await waitFor(async () => {
    const current = await listenerPid(port, 500);
    return current !== undefined && current !== oldPid ? current : undefined;
  }, { timeoutMs: 60_000, everyMs: 2, what: `a new process on port ${port}` });
  return { ms: now() - t0, pid };
}

/** The pids of every unit's listener. */
const pidsOf = (units) => Promise.all(units.map((unit) => listenerPid(unit.port)));

/** Names of units (other than the target) whose pid changed. */
function changed(units, before, after) {
  return units.filter((unit, i) => i !== TARGET && before[i] !== after[i]).map((unit) => unit.name);
}

async function floorRestarts(ctx, units) {
  const children = await floorUp(ctx.listener, units);
  const times = [];
  try {
    for (let run = 0; run < ctx.runs; run++) {
      const t0 = now();
      const old = children[TARGET];
      old.kill('SIGTERM');
      await exited(old);
      children[TARGET] = spawnListener(ctx.listener, units[TARGET].port);
      await waitPorts([units[TARGET].port]);
      times.push(now() - t0);
    }
  } finally {
    await floorDown(children);
  }
  return { times };
}

// `compute up -d --watch` with each save changing the target's environment, then `compute restart NAME`.
async function computeRestarts(ctx, units) {
  const project = new ComputeProject(ctx.tempDir('compute-'));
  const withEnv = (version) => units.map((unit, i) => ({ ...unit, env: { VERSION: i === TARGET ? String(version) : '0' } }));
  project.write(withEnv(0), { check: 'tcp' });
  const port = units[TARGET].port;
  let output = '';
  const watcher = project.watch('pipe');
  watcher.stdout.on('data', (chunk) => (output += chunk));
  watcher.stderr.on('data', (chunk) => (output += chunk));
  const applies = () => output.split('all units are up').length - 1;
  const watch = [];
  const restart = [];
  const others = [];
  try {
    await waitFor(() => /watching \d+ files?/.test(output), { timeoutMs: 120_000, everyMs: 10, what: 'compute up --watch to start watching' });
    for (let run = 0; run < ctx.runs; run++) {
      const before = await pidsOf(units);
      const done = applies();
      const t0 = now();
      writeFileSync(project.file, composeFile(withEnv(run + 1), { check: 'tcp' }));
      watch.push((await newPidAfter(port, before[TARGET], t0)).ms);
      await waitFor(() => applies() > done, { timeoutMs: 60_000, everyMs: 10, what: 'the re-apply to finish' });
      others.push(...changed(units, before, await pidsOf(units)));
    }
    for (let run = 0; run < ctx.runs; run++) {
      const before = await listenerPid(port);
      const t0 = now();
      await project.cli(['restart', units[TARGET].name]);
      restart.push((await newPidAfter(port, before, t0)).ms);
    }
  } finally {
    watcher.kill('SIGINT');
    await exited(watcher);
    await project.down();
    await waitPortsClosed(units.map((unit) => unit.port));
  }
  return { watch, restart, othersChanged: [...new Set(others)] };
}

async function pm2Restarts(ctx, units) {
  const pm2 = new Pm2(ctx.tempDir('pm2-'));
  const file = pm2.ecosystem(units.map((unit) => ({ name: unit.name, script: ctx.listener, env: { PORT: String(unit.port) } })));
  const times = [];
  try {
    await pm2.cli(['start', file]);
    await waitPorts(units.map((unit) => unit.port));
    for (let run = 0; run < ctx.runs; run++) {
      const before = await listenerPid(units[TARGET].port);
      const t0 = now();
      await pm2.cli(['restart', units[TARGET].name]);
      times.push((await newPidAfter(units[TARGET].port, before, t0)).ms);
    }
  } finally {
    await pm2.kill();
    await waitPortsClosed(units.map((unit) => unit.port));
  }
  return { times };
}

async function supervisorRestarts(ctx, units) {
  const supervisor = new Supervisord(ctx.tempDir('supervisor-'));
  supervisor.write(units.map((unit) => ({ name: unit.name, command: ctx.listener, env: { PORT: unit.port } })));
  const times = [];
  try {
    supervisor.start();
    await waitPorts(units.map((unit) => unit.port));
    await supervisor.ready();
    for (let run = 0; run < ctx.runs; run++) {
      const before = await listenerPid(units[TARGET].port);
      const t0 = now();
      await supervisor.ctl(['restart', units[TARGET].name]);
      times.push((await newPidAfter(units[TARGET].port, before, t0)).ms);
    }
  } finally {
    await supervisor.stop();
    await waitPortsClosed(units.map((unit) => unit.port));
  }
  return { times };
}

/** Runs scenario 2 with `count` units (50). */
export async function reapply(ctx, count = 50) {
  const floor = await floorRestarts(ctx, listenerUnits(ctx, count));
  ctx.log(`  floor kill+spawn+poll: ${floor.times.map((t) => t.toFixed(0)).join(', ')} ms`);
  const compute = await computeRestarts(ctx, listenerUnits(ctx, count));
  ctx.log(`  compute up --watch: ${compute.watch.map((t) => t.toFixed(0)).join(', ')} ms; compute restart: ${compute.restart.map((t) => t.toFixed(0)).join(', ')} ms; other pids changed: ${compute.othersChanged.length}`);
  const samples = { floor: floor.times, computeWatch: compute.watch, computeRestart: compute.restart };
  const pm2 = ctx.pm2 ? await ctx.peer('pm2', () => pm2Restarts(ctx, listenerUnits(ctx, count))) : undefined;
  if (pm2) {
    samples.pm2Restart = pm2.times;
    ctx.log(`  pm2 restart: ${pm2.times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }
  const supervisor = ctx.supervisor ? await ctx.peer('supervisord', () => supervisorRestarts(ctx, listenerUnits(ctx, count))) : undefined;
  if (supervisor) {
    samples.supervisorctlRestart = supervisor.times;
    ctx.log(`  supervisorctl restart: ${supervisor.times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  return { units: count, samples, medians, othersChanged: compute.othersChanged };
}
