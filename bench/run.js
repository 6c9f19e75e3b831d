// `npm run bench`: compute beside pm2, supervisord and the physical floor, on the same fixture processes, in one run
// on this machine. `--quick` is the short smoke run that CI uses (fewer, smaller cases; it checks no goal).
// Options: --quick, --runs N, --only cold,reapply,footprint,logs,plan,sync,commands,ready,bounded, --no-docs, --no-peers (compute and the floor
// only, for quick iterations on compute; it implies --no-docs).
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, release, totalmem, tmpdir, type } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { goals, updateDoc, writeResults } from './lib/report.mjs';
import { coldUp } from './scenarios/cold-up.mjs';
import { footprint } from './scenarios/footprint.mjs';
import { logThroughput } from './scenarios/logs.mjs';
import { planAtScale } from './scenarios/plan.mjs';
import { shortCommands } from './scenarios/commands.mjs';
import { reapply } from './scenarios/reapply.mjs';
import { overlaySync } from './scenarios/sync.mjs';
import { timeToReady } from './scenarios/ready.mjs';
import { boundedInputs } from './scenarios/bounded.mjs';
import { pm2Available, pm2Version } from './tools/pm2.mjs';
import { supervisorVersion } from './tools/supervisor.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const SCENARIOS = ['cold', 'reapply', 'footprint', 'logs', 'plan', 'sync', 'commands', 'ready', 'bounded'];

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, runs: { type: 'string' }, only: { type: 'string' }, 'no-docs': { type: 'boolean' }, 'no-peers': { type: 'boolean' } },
});
const quick = values.quick ?? false;
const runs = Number(values.runs ?? (quick ? 1 : 5));
const only = values.only ? values.only.split(',') : SCENARIOS;
const log = (line) => process.stdout.write(`${line}\n`);

if (!existsSync(here('../dist/cli/main.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

// Fixtures are compiled here, with this machine's cc, so they start in about a millisecond under every tool.
try {
  execFileSync('cc', ['--version'], { stdio: 'ignore' });
} catch {
  console.error(`bench: no C compiler (cc) on this machine, so the fixture processes cannot be built${quick ? '; the quick run is skipped' : ''}`);
  process.exit(quick ? 0 : 2);
}
const work = here('./.work/');
mkdirSync(join(work, 'bin'), { recursive: true });
for (const name of ['listener', 'writer']) {
  execFileSync('cc', ['-O2', '-o', join(work, 'bin', name), here(`./fixtures/${name}.c`)], { stdio: 'inherit' });
}

const root = mkdtempSync(join(tmpdir(), 'compute-bench-'));
let dirs = 0;
const ctx = {
  quick,
  runs,
  log,
  listener: join(work, 'bin', 'listener'),
  writer: join(work, 'bin', 'writer'),
  pm2: !values['no-peers'] && pm2Available(),
  supervisor: !values['no-peers'] && supervisorVersion() !== undefined,
  /** A new folder inside this run's temp folder (removed at the end). */
  tempDir: (prefix) => mkdtempSync(join(root, `${prefix}${dirs++}-`)),
  /**
   * Removes a folder made by tempDir once its run is measured. Files that stay dirty in the page cache are written to
   * the disk about 30 s later, by the kernel, while a later run is timed: 100 MB of logs left behind per tool made
   * the floor itself take 340 ms instead of 175 ms in runs 4 and 5 of the log scenario.
   */
  removeDir: (dir) => rmSync(dir, { recursive: true, force: true }),
  /**
   * Runs a peer tool's measurement; a failure of pm2 or supervisord is printed and its figure left out (undefined),
   * so that a peer's trouble on a noisy machine cannot fail the run (compute's own failures do).
   */
  peer: async (name, measure) => {
    try {
      return await measure();
    } catch (error) {
      log(`  note: ${name} failed (${error instanceof Error ? error.message.split('\n')[0] : error}); its figure is left out`);
      return undefined;
    }
  },
};

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown CPU',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  freeGiB: Math.round(freemem() / 2 ** 30),
  os: `${type()} ${release()}`,
  node: process.versions.node,
  pm2: ctx.pm2 ? pm2Version() : undefined,
  supervisord: supervisorVersion(),
  loadBefore: loadavg().map((l) => l.toFixed(2)),
};
const results = { date: new Date().toISOString(), command: `npm run bench${quick ? ' -- --quick' : ''}`, quick, runs, machine };
log(`compute benchmarks (${quick ? 'QUICK: 1 run per case, smaller cases; it fails on no goal' : `${runs} runs per case, medians`})`);
log(`machine: ${machine.cpu}, ${machine.cores} cores; node ${machine.node}; load average ${machine.loadBefore.join(' ')}`);
if (values['no-peers']) log('note: --no-peers: pm2 and supervisord are not run');
else if (!ctx.pm2) log('note: pm2 is not installed (npm ci installs it as a devDependency); its columns are skipped');
if (!values['no-peers'] && !ctx.supervisor) log('note: supervisord is not installed (Debian package `supervisor`); its columns are skipped');

try {
  if (only.includes('cold')) {
    log('\n1. cold up');
    results.coldUp = await coldUp(ctx, quick ? [20] : [20, 100]);
  }
  if (only.includes('reapply')) {
    log('\n2. re-apply');
    results.reapply = await reapply(ctx, quick ? 10 : 50);
  }
  if (only.includes('footprint')) {
    log('\n3. footprint');
    results.footprint = quick ? await footprint(ctx, 10, 2, 1000, 1000) : await footprint(ctx, 100, 5, 12_000);
  }
  if (only.includes('logs')) {
    log('\n4. log throughput');
    results.logs = await logThroughput(ctx, quick ? 10 : 100);
  }
  if (only.includes('plan')) {
    log('\n5. plan at scale');
    results.plan = await planAtScale(ctx, quick ? [1000, 5000] : [1000, 10_000]);
  }
  if (only.includes('sync')) {
    log('\n6. overlay sync');
    results.sync = quick ? await overlaySync(ctx, 1000, 20 * 1024) : await overlaySync(ctx);
  }
  if (only.includes('commands')) {
    log('\n7. short commands on a running project of 20 units (paired with node -e 0)');
    results.commands = await shortCommands(ctx);
  }
  if (only.includes('ready')) {
    log('\n8. time to ready of the quickstart and web-redis examples (fresh up -d beside a floor script)');
    results.ready = await timeToReady(ctx);
  }
  if (only.includes('bounded')) {
    log('\n9. bounded inputs: compute validate of a 1 MiB file of anchors and merges (valid, and with mistakes), and of alias bombs');
    results.bounded = await boundedInputs(ctx, quick ? 256 * 1024 : 2 ** 20);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
machine.loadAfter = loadavg().map((l) => l.toFixed(2));

writeResults(here('./results.json'), results);
log(quick ? '\ngoals (QUICK run: smaller cases and short windows, so these verdicts are only indicative):' : '\ngoals:');
for (const goal of goals(results)) log(`  ${goal.met === undefined ? '-' : goal.met ? 'met   ' : 'MISSED'}  ${goal.scenario}: ${goal.goal}: ${goal.figure}`);
log(`\nwrote bench/results.json; load average ${machine.loadAfter.join(' ')}`);
if (!quick && !values['no-docs'] && !values['no-peers'] && only.length === SCENARIOS.length) {
  updateDoc(here('../docs/BENCHMARKS.md'), results);
  copyFileSync(here('./results.json'), here('../docs/benchmarks-results.json'));
  log('updated docs/BENCHMARKS.md and docs/benchmarks-results.json');
}
