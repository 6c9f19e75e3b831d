// Scenario 3, footprint: 100 listeners idle; the supervisor's CPU time and RSS from /proc. compute probes each unit
// over HTTP every second; pm2 and supervisord run the same processes without health checks, which they lack.
import { ComputeProject } from '../tools/compute.mjs';
import { Pm2 } from '../tools/pm2.mjs';
import { Supervisord } from '../tools/supervisor.mjs';
import { cpuMs, median, memory, sleep, waitPorts, waitPortsClosed } from '../lib/util.mjs';
import { listenerUnits } from './cold-up.mjs';

/** CPU of `pid` over `windows` consecutive windows of `windowMs` after `settleMs`, as % of one core, and its RSS at the end. */
async function idle(pid, windows, windowMs, settleMs) {
  const settleStart = cpuMs(pid);
  const t = performance.now();
  await sleep(settleMs);
  const settlePercent = ((cpuMs(pid) - settleStart) / (performance.now() - t)) * 100;
  const percents = [];
  const first = cpuMs(pid);
  for (let i = 0; i < windows; i++) {
    const before = cpuMs(pid);
    const t0 = performance.now();
    await sleep(windowMs);
    percents.push(((cpuMs(pid) - before) / (performance.now() - t0)) * 100);
  }
  const totalMs = cpuMs(pid) - first;
  return { cpuPercent: median(percents), windows: percents, cpuMsTotal: totalMs, settlePercent, ...memory(pid) };
}

async function computeFootprint(ctx, units, windows, windowMs, settleMs) {
  const project = new ComputeProject(ctx.tempDir('compute-'));
  project.write(units, { check: 'http', intervalMs: 1000 });
  try {
    await project.up();
    return await idle(project.daemonPid(), windows, windowMs, settleMs);
  } finally {
    await project.down();
    await waitPortsClosed(units.map((unit) => unit.port));
  }
}

async function pm2Footprint(ctx, units, windows, windowMs, settleMs) {
  const pm2 = new Pm2(ctx.tempDir('pm2-'));
  const file = pm2.ecosystem(units.map((unit) => ({ name: unit.name, script: ctx.listener, env: { PORT: String(unit.port) } })));
  try {
    await pm2.cli(['start', file]);
    await waitPorts(units.map((unit) => unit.port));
    return await idle(pm2.daemonPid(), windows, windowMs, settleMs);
  } finally {
    await pm2.kill();
    await waitPortsClosed(units.map((unit) => unit.port));
  }
}

async function supervisorFootprint(ctx, units, windows, windowMs, settleMs) {
  const supervisor = new Supervisord(ctx.tempDir('supervisor-'));
  supervisor.write(units.map((unit) => ({ name: unit.name, command: ctx.listener, env: { PORT: unit.port } })));
  try {
    const child = supervisor.start();
    await waitPorts(units.map((unit) => unit.port));
    return await idle(child.pid, windows, windowMs, settleMs);
  } finally {
    await supervisor.stop();
    await waitPortsClosed(units.map((unit) => unit.port));
  }
}

/**
 * Runs scenario 3: `count` units idle for `windows` × `windowMs` (5 × 12 s = 60 s in the full run) after `settleMs`.
 * Why the full run settles 30 s first: a Node daemon just through a burst of work spends its next ~20 s on optimizing
 * compiles and V8's memory-reducer GCs (measured on the compute daemon with 100 units: 1.4-2 % of a core in 5 s
 * windows for 20 s, then 0.2-0.6 %); the settle's own CPU is reported beside the idle figure.
 */
export async function footprint(ctx, count = 100, windows = 5, windowMs = 12_000, settleMs = 30_000) {
  const result = { units: count, idleMs: windows * windowMs, settleMs, tools: {} };
  const show = (name, r) =>
    ctx.log(`  ${name}: ${r.cpuPercent.toFixed(3)} % of a core (windows ${r.windows.map((w) => w.toFixed(2)).join(', ')}; ${r.settlePercent.toFixed(2)} % while settling), RSS ${r.rssMiB.toFixed(1)} MiB`);
  result.tools.compute = await computeFootprint(ctx, listenerUnits(ctx, count), windows, windowMs, settleMs);
  show('compute daemon (HTTP checks every 1 s)', result.tools.compute);
  const pm2 = ctx.pm2 ? await ctx.peer('pm2', () => pm2Footprint(ctx, listenerUnits(ctx, count), windows, windowMs, settleMs)) : undefined;
  if (pm2) show('pm2 daemon (no health checks)', (result.tools.pm2 = pm2));
  const supervisor = ctx.supervisor ? await ctx.peer('supervisord', () => supervisorFootprint(ctx, listenerUnits(ctx, count), windows, windowMs, settleMs)) : undefined;
  if (supervisor) show('supervisord (no health checks)', (result.tools.supervisord = supervisor));
  return result;
}
