// Scenario 8, time to ready of a real stack: the quickstart and web-redis examples from `compute up -d` (a fresh
// state folder: the daemon's start and the overlay copy included) to "all units are up", beside a floor script that
// does the same work by hand: copies the overlay, starts the same processes in the same order with the same
// environment, and polls each readiness condition every 10 ms (a unit without a health check: alive for the same
// minimum uptime compute requires, 1 s by default; a one-shot: exited 0).
import { cpSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accepts, exited, median, now, portBlock, runOk, sleep, start } from '../lib/util.mjs';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const POLL_MS = 10;
const MIN_UPTIME_MS = 1000;

// Each stack as the floor runs it: its steps in compute's order, each a process and what makes it ready.
const STACKS = {
  quickstart: {
    env: ([api]) => ({ API_PORT: String(api) }),
    steps: ([api]) => [
      { argv: ['node', 'api.mjs'], env: { PORT: String(api) }, ready: { http: api, path: '/health' } },
      { argv: ['node', 'worker.mjs'], env: { API_URL: `http://127.0.0.1:${api}`, INTERVAL_MS: '1000' }, ready: { uptime: MIN_UPTIME_MS } },
    ],
  },
  'web-redis': {
    needs: 'redis-server',
    env: ([api, redis]) => ({ API_PORT: String(api), REDIS_PORT: String(redis) }),
    steps: ([api, redis]) => [
      { argv: ['redis-server', '--port', String(redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], ready: { tcp: redis } },
      { argv: ['node', 'migrate.mjs'], env: { REDIS_PORT: String(redis) }, ready: { exit: 0 } },
      { argv: ['node', 'api.mjs'], env: { PORT: String(api), REDIS_PORT: String(redis) }, ready: { http: api, path: '/health' } },
    ],
  },
};

function httpOk(port, path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

// Waits for one step's readiness, polling every POLL_MS.
async function ready(child, condition) {
  if (condition.exit !== undefined) {
    await exited(child);
    if (child.exitCode !== condition.exit) throw new Error(`the floor's one-shot exited ${child.exitCode}`);
    return;
  }
  const since = now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the floor's ${child.spawnargs.join(' ')} exited ${child.exitCode}`);
    if (condition.uptime !== undefined && now() - since >= condition.uptime) return;
    if (condition.tcp !== undefined && (await accepts(condition.tcp, 200))) return;
    if (condition.http !== undefined && (await httpOk(condition.http, condition.path))) return;
    await sleep(POLL_MS);
  }
}

// The floor: copy the overlay, then each step in order; resolves with the time to the last ready and the children.
async function floor(example, dir, ports) {
  const children = [];
  const t0 = now();
  cpSync(join(EXAMPLES, example, 'app'), join(dir, 'app'), { recursive: true });
  try {
    for (const step of STACKS[example].steps(ports)) {
      const [file, ...args] = step.argv;
      const child = start(file, args, { cwd: join(dir, 'app'), env: { ...process.env, ...step.env } });
      children.push(child);
      await ready(child, step.ready);
    }
    return now() - t0;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
  }
}

async function compute(ctx, example, ports) {
  const dir = ctx.tempDir(`ready-${example}-`);
  cpSync(join(EXAMPLES, example), dir, { recursive: true });
  const env = { ...process.env, ...STACKS[example].env(ports) };
  const t0 = now();
  const up = await runOk(process.execPath, [BIN, 'up', '-d'], { cwd: dir, env });
  const ms = now() - t0;
  if (!up.stdout.includes('all units are up')) throw new Error(`compute up -d did not bring ${example} up:\n${up.stdout}${up.stderr}`);
  await runOk(process.execPath, [BIN, 'down'], { cwd: dir, env });
  ctx.removeDir(dir);
  return ms;
}

/** Runs the scenario: per example and run, compute's `up -d` and the floor, alternating which goes first. */
export async function timeToReady(ctx) {
  const results = {};
  for (const example of Object.keys(STACKS)) {
    const needs = STACKS[example].needs;
    if (needs && !['/usr/bin', '/usr/sbin', '/usr/local/bin'].some((dir) => existsSync(join(dir, needs)))) {
      ctx.log(`  ${example}: skipped (${needs} is not installed)`);
      continue;
    }
    const samples = { compute: [], floor: [] };
    for (let run = 0; run < ctx.runs; run++) {
      const ports = portBlock(2);
      const order = run % 2 === 0 ? ['compute', 'floor'] : ['floor', 'compute'];
      for (const who of order) {
        if (who === 'compute') samples.compute.push(await compute(ctx, example, ports));
        else samples.floor.push(await floor(example, ctx.tempDir(`floor-${example}-`), ports));
      }
      ctx.log(`  ${example} run ${run + 1}/${ctx.runs}: compute ${samples.compute.at(-1).toFixed(0)} ms, floor ${samples.floor.at(-1).toFixed(0)} ms`);
    }
    results[example] = { medians: { compute: median(samples.compute), floor: median(samples.floor) }, samples };
  }
  return results;
}
