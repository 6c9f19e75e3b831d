// Scenario 1, cold up: from no supervisor running to every listener accepting connections, for N independent units
// and for 100 units in a needs graph of depth 5; each tool beside the floor, runs interleaved so load hits all alike.
import { ComputeProject } from '../tools/compute.mjs';
import { floorDown, floorUp } from '../tools/floor.mjs';
import { Pm2 } from '../tools/pm2.mjs';
import { Supervisord } from '../tools/supervisor.mjs';
import { median, now, portBlock, runOk, waitPorts, waitPortsClosed } from '../lib/util.mjs';

/** N listeners; with `depth`, in layers where each unit needs two of the layer before it. */
export function listenerUnits(ctx, count, depth = 1) {
  const ports = portBlock(count);
  const perLayer = Math.ceil(count / depth);
  return ports.map((port, i) => {
    const layer = Math.floor(i / perLayer);
    const unit = { name: `u${i}`, port, command: `exec ${ctx.listener}` };
    if (layer > 0) {
      const first = (layer - 1) * perLayer;
      unit.needs = [`u${first + (i % perLayer)}`, `u${first + ((i + 1) % perLayer)}`];
    }
    return unit;
  });
}

/** `node -e 0`: one Node start-up on this machine, now (compute's CLI pays it, the floor does not). */
export async function nodeStartup(runs) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push((await runOk(process.execPath, ['-e', '0'])).ms);
  return median(times);
}

async function timeFloor(ctx, units) {
  const t0 = now();
  const children = await floorUp(ctx.listener, units);
  const ms = now() - t0;
  await floorDown(children);
  return ms;
}

// compute from no daemon; then, with the daemon left running and the units removed, the same up again.
async function timeCompute(ctx, units) {
  const project = new ComputeProject(ctx.tempDir('compute-'));
  project.write(units, { check: 'tcp' });
  const ports = units.map((unit) => unit.port);
  try {
    let t0 = now();
    await project.up();
    await waitPorts(ports);
    const cold = now() - t0;
    const client = await project.client();
    await client.removeUnits(units.map((unit) => unit.name));
    await client.close();
    await waitPortsClosed(ports);
    t0 = now();
    await project.up();
    await waitPorts(ports);
    return { cold, warm: now() - t0 };
  } finally {
    await project.down();
    await waitPortsClosed(ports);
  }
}

async function timePm2(ctx, units) {
  const pm2 = new Pm2(ctx.tempDir('pm2-'));
  const ports = units.map((unit) => unit.port);
  const file = pm2.ecosystem(units.map((unit) => ({ name: unit.name, script: ctx.listener, env: { PORT: String(unit.port) } })));
  try {
    let t0 = now();
    await pm2.cli(['start', file]);
    await waitPorts(ports);
    const cold = now() - t0;
    await pm2.cli(['delete', 'all']);
    await waitPortsClosed(ports);
    t0 = now();
    await pm2.cli(['start', file]);
    await waitPorts(ports);
    return { cold, warm: now() - t0 };
  } finally {
    await pm2.kill();
    await waitPortsClosed(ports);
  }
}

async function timeSupervisor(ctx, units) {
  const supervisor = new Supervisord(ctx.tempDir('supervisor-'));
  const ports = units.map((unit) => unit.port);
  supervisor.write(units.map((unit) => ({ name: unit.name, command: ctx.listener, env: { PORT: unit.port } })));
  try {
    const t0 = now();
    supervisor.start();
    await waitPorts(ports);
    return now() - t0;
  } finally {
    await supervisor.stop();
    await waitPortsClosed(ports);
  }
}

/** One case (a name, a unit count, a depth): medians of every tool over `ctx.runs` runs. */
async function coldCase(ctx, name, count, depth) {
  const graph = depth > 1;
  const samples = { floor: [], compute: [], computeWarm: [], pm2: [], pm2Warm: [], supervisord: [] };
  for (let run = 0; run < ctx.runs; run++) {
    const units = () => listenerUnits(ctx, count, depth);
    samples.floor.push(await timeFloor(ctx, units()));
    const compute = await timeCompute(ctx, units());
    samples.compute.push(compute.cold);
    samples.computeWarm.push(compute.warm);
    // pm2 and supervisord start programs without waiting for what they need: they have no graph case.
    const pm2 = ctx.pm2 && !graph ? await ctx.peer('pm2', () => timePm2(ctx, units())) : undefined;
    if (pm2) {
      samples.pm2.push(pm2.cold);
      samples.pm2Warm.push(pm2.warm);
    }
    const supervisord = ctx.supervisor && !graph ? await ctx.peer('supervisord', () => timeSupervisor(ctx, units())) : undefined;
    if (supervisord !== undefined) samples.supervisord.push(supervisord);
    ctx.log(`  ${name} run ${run + 1}/${ctx.runs}: ${Object.entries(samples).filter(([, v]) => v.length > 0).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms`).join(', ')}`);
  }
  const medians = Object.fromEntries(Object.entries(samples).filter(([, v]) => v.length > 0).map(([k, v]) => [k, median(v)]));
  return { name, units: count, depth, samples, medians };
}

/** Runs scenario 1; `sizes` is [20, 100] (the quick run may pass smaller ones). */
export async function coldUp(ctx, sizes = [20, 100]) {
  const node = await nodeStartup(Math.max(ctx.runs, 3));
  ctx.log(`  node -e 0: ${node.toFixed(0)} ms`);
  const cases = [];
  for (const count of sizes) cases.push(await coldCase(ctx, `${count} listeners`, count, 1));
  cases.push(await coldCase(ctx, `${sizes.at(-1)} in a needs graph of depth 5`, sizes.at(-1), 5));
  return { nodeStartupMs: node, cases };
}
