// Scenario 6, short commands: on a running project of 20 units, each short command (ps, logs --tail, stop, start,
// restart, plan and up -d with nothing to do, validate, config) timed beside `node -e 0` in the same loop (paired:
// one `node -e 0`, then the command, per round), with wall time and peak RSS; the goal is a ratio to `node -e 0`.
// start and restart also wait for the unit itself; that part is measured through the SDK in the same rounds and
// taken off, so that their figure is the CLI's own cost.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ComputeProject } from '../tools/compute.mjs';
import { median, now, portBlock, run, waitFor } from '../lib/util.mjs';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const TIME = '/usr/bin/time';
const UNITS = 20;
const TARGET = 'u19';

/** The commands measured, with the goal of each (its wall-time ratio to `node -e 0`). */
export const COMMANDS = [
  { name: 'ps', args: ['ps'], goal: 1.5 },
  { name: 'ps --json', args: ['ps', '--json'], goal: 1.5 },
  { name: 'logs --tail 20', args: ['logs', '--tail', '20', 'u5'], goal: 1.5 },
  { name: 'stop', args: ['stop', TARGET], goal: 1.5 },
  { name: 'start', args: ['start', TARGET], goal: 1.5, unit: 'start' },
  { name: 'restart', args: ['restart', TARGET], goal: 1.5, unit: 'restart' },
  { name: 'plan (no change)', args: ['plan'], goal: 2 },
  { name: 'up -d (no change)', args: ['up', '-d'], goal: 2 },
  { name: 'validate', args: ['validate'], goal: 2 },
  { name: 'config', args: ['config'], goal: 2 },
];

/** The goal on peak RSS, as a ratio to `node -e 0`'s. */
export const RSS_GOAL = 1.3;

/** 20 listeners with TCP checks, each needing the one before. */
function units(listener, ports) {
  return ports.map((port, i) => ({ name: `u${i}`, port, command: `exec ${listener}`, ...(i > 0 ? { needs: [`u${i - 1}`] } : {}) }));
}

// Runs a command under /usr/bin/time (when the machine has it) for its peak RSS; the wall time is taken here, around
// the whole spawn, so that `node -e 0` and the command pay the same wrapper.
async function measure(file, args, dir, index) {
  const rssFile = join(dir, `rss-${index}`);
  const wrapped = existsSync(TIME) ? [TIME, ['-f', '%M', '-o', rssFile, file, ...args]] : [file, args];
  const t0 = now();
  const result = await run(wrapped[0], wrapped[1], { cwd: dir });
  const ms = now() - t0;
  if (result.code !== 0) throw new Error(`${[file, ...args].join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`.slice(0, 2000));
  let rssMiB = Number.NaN;
  if (existsSync(rssFile)) {
    rssMiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024;
    rmSync(rssFile);
  }
  return { ms, rssMiB };
}

// The unit's own share of a start or restart: the same call through an SDK client already connected, until ready.
async function unitCost(client, kind) {
  const t0 = now();
  if (kind === 'start') await client.startUnits([TARGET]);
  else await client.restartUnit(TARGET);
  await waitFor(async () => (await client.unit(TARGET))?.status === 'ready', { timeoutMs: 60_000, everyMs: 2, what: `${TARGET} ready` });
  return now() - t0;
}

// Brings the target unit to the state the command expects: running before stop and restart, stopped before start.
async function prepare(client, command) {
  const state = await client.unit(TARGET);
  if (command.name === 'start' && state?.status !== 'stopped') await client.stopUnits([TARGET]);
  if (command.name !== 'start' && state?.status === 'stopped') {
    await client.startUnits([TARGET]);
    await waitFor(async () => (await client.unit(TARGET))?.status === 'ready', { timeoutMs: 60_000, everyMs: 2, what: `${TARGET} ready` });
  }
}

// The rounds of one command: `node -e 0`, then the command; for start/restart, then the SDK's share of the same act.
async function rounds(ctx, project, client, command, count) {
  const node = [];
  const cli = [];
  const unit = [];
  for (let round = 0; round < count; round++) {
    await prepare(client, command);
    node.push(await measure(process.execPath, ['-e', '0'], project.dir, round));
    cli.push(await measure(process.execPath, [BIN, ...command.args], project.dir, round));
    if (command.unit) {
      await prepare(client, command);
      unit.push(await unitCost(client, command.unit));
    }
  }
  const nodeMs = median(node.map((s) => s.ms));
  const nodeRss = median(node.map((s) => s.rssMiB));
  const wallMs = median(cli.map((s) => s.ms));
  const unitMs = command.unit ? median(unit) : 0;
  const rssMiB = median(cli.map((s) => s.rssMiB));
  return {
    name: command.name,
    args: command.args,
    goal: command.goal,
    nodeMs,
    nodeRssMiB: nodeRss,
    wallMs,
    unitMs,
    cliMs: wallMs - unitMs,
    ratio: (wallMs - unitMs) / nodeMs,
    rssMiB,
    rssRatio: rssMiB / nodeRss,
    samples: { node: node.map((s) => s.ms), cli: cli.map((s) => s.ms), unit },
  };
}

/** Runs scenario 6: every command of COMMANDS, `runs` paired rounds each (at least 7 in a full run). */
export async function shortCommands(ctx) {
  const project = new ComputeProject(ctx.tempDir('commands-'));
  const ports = portBlock(UNITS);
  project.write(units(ctx.listener, ports), { check: 'tcp', intervalMs: 2000 });
  const count = ctx.quick ? 2 : Math.max(7, ctx.runs);
  const cases = [];
  try {
    await project.up();
    const client = await project.client();
    try {
      for (const command of COMMANDS) {
        const result = await rounds(ctx, project, client, command, count);
        const unit = result.unitMs ? ` (wall ${result.wallMs.toFixed(0)} − unit ${result.unitMs.toFixed(0)})` : '';
        ctx.log(
          `  ${command.name.padEnd(18)} ${result.cliMs.toFixed(0).padStart(4)} ms${unit} = ${result.ratio.toFixed(2)}× node -e 0 (${result.nodeMs.toFixed(0)} ms); peak RSS ${result.rssMiB.toFixed(1)} MiB = ${result.rssRatio.toFixed(2)}×`,
        );
        cases.push(result);
      }
      await prepare(client, { name: 'restart' });
    } finally {
      await client.close();
    }
  } finally {
    await project.down();
    ctx.removeDir(project.dir);
  }
  return { units: UNITS, rounds: count, rssGoal: RSS_GOAL, cases };
}
