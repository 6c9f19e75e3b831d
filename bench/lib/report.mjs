// The benchmark's outputs: goals checked against the figures, results.json, and the table in docs/BENCHMARKS.md.
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const ms = (value) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')} ms` : '–');
const x = (value) => (Number.isFinite(value) ? `${value.toFixed(value >= 10 ? 0 : 1)}×` : '–');
const mib = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} MiB` : '–');
const x2 = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
const pct = (value) => (Number.isFinite(value) ? `${value.toFixed(3)} %` : '–');
const row = (cells) => `| ${cells.join(' | ')} |`;
const mark = (ok) => (ok === undefined ? '–' : ok ? 'met' : '**missed**');

/** Each goal of the issue as { scenario, goal, figure, met } from the results (undefined `met`: not measured). */
export function goals(results) {
  const list = [];
  const add = (scenario, goal, figure, met) => list.push({ scenario, goal, figure, met });
  const cold = results.coldUp?.cases.find((c) => c.units === 100 && c.depth === 1);
  if (cold) {
    const m = cold.medians;
    add('cold up', 'N = 100 in ≤ 250 ms', ms(m.compute), m.compute <= 250);
    add('cold up', '≥ 4× faster than pm2 (fresh daemon)', x(m.pm2 / m.compute), m.pm2 === undefined ? undefined : m.pm2 / m.compute >= 4);
    add('cold up', '≥ 6× faster than supervisord', x(m.supervisord / m.compute), m.supervisord === undefined ? undefined : m.supervisord / m.compute >= 6);
  }
  const re = results.reapply;
  if (re) {
    const m = re.medians;
    add('re-apply', 'up --watch ≤ floor + 150 ms', `${ms(m.computeWatch)} (floor ${ms(m.floor)})`, m.computeWatch <= m.floor + 150);
    add('re-apply', `the other ${re.units - 1} pids unchanged`, `${re.othersChanged.length} changed`, re.othersChanged.length === 0);
    add('re-apply', 'compute restart faster than pm2 restart', `${ms(m.computeRestart)} vs ${ms(m.pm2Restart)}`, m.pm2Restart === undefined ? undefined : m.computeRestart < m.pm2Restart);
    add('re-apply', 'compute restart faster than supervisorctl restart', `${ms(m.computeRestart)} vs ${ms(m.supervisorctlRestart)}`, m.supervisorctlRestart === undefined ? undefined : m.computeRestart < m.supervisorctlRestart);
  }
  const fp = results.footprint?.tools;
  if (fp?.compute) {
    add('footprint', '< 0.5 % of one core', pct(fp.compute.cpuPercent), fp.compute.cpuPercent < 0.5);
    add('footprint', 'less RSS than pm2', `${mib(fp.compute.rssMiB)} vs ${mib(fp.pm2?.rssMiB)}`, fp.pm2 ? fp.compute.rssMiB < fp.pm2.rssMiB : undefined);
  }
  const logs = results.logs;
  if (logs) add('logs', '≤ 1.2× floor', x(logs.medians.compute / logs.medians.floor), logs.medians.compute <= 1.2 * logs.medians.floor);
  const plan = results.plan;
  const large = plan?.cases.find((c) => c.units === 10_000);
  if (large) add('plan', '10,000 units < 500 ms', ms(large.median), large.median < 500);
  const [small, big] = plan?.cases ?? [];
  if (small?.units === 1000 && big?.units === 10_000) add('plan', 'growth 1k → 10k ≤ ~12×', x(plan.growth), plan.growth <= 12);
  for (const [example, { medians: m }] of Object.entries(results.ready ?? {})) {
    add('ready', `${example}: up -d to all units up ≤ floor + 150 ms`, `${ms(m.compute)} (floor ${ms(m.floor)}, +${ms(m.compute - m.floor)})`, m.compute <= m.floor + 150);
  }
  const sync = results.sync?.medians;
  if (sync) {
    add('sync', 'one changed file synced under up --watch ≤ 100 ms', `${ms(sync.oneWatched)} (full scan as up does: ${ms(sync.oneChange)}; cp ${ms(sync.cp)})`, sync.oneWatched <= 100);
    add('sync', 'up with one changed file ≤ 1.5× no-op up', x(sync.upOneChange / sync.upNoop), sync.upOneChange <= 1.5 * sync.upNoop);
    add('sync', 'first copy ≤ 1.3× cp -a', x(sync.firstCopy / sync.cpA), sync.firstCopy <= 1.3 * sync.cpA);
    if (sync.smart !== undefined) add('sync', 'smart with a node_modules ≤ 1.1× the copy without it', x2(sync.smart / sync.smartPlain), sync.smart <= 1.1 * sync.smartPlain);
  }
  for (const c of results.bounded?.cases ?? []) {
    const fits = c.bytes <= 2 ** 20;
    add('bounded', `${c.name}: ${c.valid ? 'accepted' : 'refused'} in ≤ 1 s and ≤ 200 MB`, `${ms(c.ms)}, ${mib(c.rssMiB)}`, fits ? c.ms <= 1000 && c.rssMiB <= 200 : undefined);
  }
  for (const c of results.commands?.cases ?? []) {
    add('commands', `${c.name}: wall ≤ ${c.goal}× node -e 0`, `${x2(c.ratio)} (${ms(c.cliMs)} vs ${ms(c.nodeMs)})`, c.ratio <= c.goal);
    add('commands', `${c.name}: peak RSS ≤ ${results.commands.rssGoal}× node -e 0`, `${x2(c.rssRatio)} (${mib(c.rssMiB)})`, c.rssRatio <= results.commands.rssGoal);
  }
  return list;
}

/** The markdown of the results: machine, one table per scenario, and the goals. */
export function markdown(results) {
  const { machine } = results;
  const out = [
    `Measured ${results.date} with \`${results.command}\` (${results.quick ? 'QUICK run: fewer and smaller cases' : `${results.runs} runs per case, medians`}).`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}; Node ${machine.node}; pm2 ${machine.pm2 ?? 'absent'}; supervisord ${machine.supervisord ?? 'absent'}. Load average ${machine.loadBefore.join(' / ')} before, ${machine.loadAfter?.join(' / ') ?? '?'} after.`,
  ];
  if (results.coldUp) out.push('', ...coldTable(results.coldUp));
  if (results.reapply) out.push('', ...reapplyTable(results.reapply));
  if (results.footprint) out.push('', ...footprintTable(results.footprint));
  if (results.logs) out.push('', ...logsTable(results.logs));
  if (results.plan) out.push('', ...planTable(results.plan));
  if (results.commands) out.push('', ...commandsTable(results.commands));
  out.push('', '### Goals', '', row(['scenario', 'goal', 'figure', 'verdict']), row(['---', '---', '---', '---']));
  for (const goal of goals(results)) out.push(row([goal.scenario, goal.goal, goal.figure, mark(goal.met)]));
  return out.join('\n');
}

function coldTable(cold) {
  const lines = [
    `### 1. Cold up (time until every port accepts; \`node -e 0\` = ${ms(cold.nodeStartupMs)})`,
    '',
    row(['case', 'floor', 'compute, no daemon', 'compute, daemon up', 'pm2, fresh daemon', 'pm2, daemon up', 'supervisord', 'compute ÷ floor', 'pm2 ÷ compute', 'supervisord ÷ compute', 'compute − (floor + node)']),
    row(Array(11).fill('---')),
  ];
  for (const c of cold.cases) {
    const m = c.medians;
    lines.push(row([c.name, ms(m.floor), ms(m.compute), ms(m.computeWarm), ms(m.pm2), ms(m.pm2Warm), ms(m.supervisord), x(m.compute / m.floor), x(m.pm2 / m.compute), x(m.supervisord / m.compute), ms(m.compute - m.floor - cold.nodeStartupMs)]));
  }
  lines.push('', 'pm2 and supervisord start programs without waiting for what they need, so the graph case has no column for them.');
  return lines;
}

function reapplyTable(re) {
  const m = re.medians;
  return [
    `### 2. Re-apply with ${re.units} units running (time until the changed unit's new process accepts)`,
    '',
    row(['floor (kill + spawn + poll)', 'compute up --watch (file saved)', 'compute restart', 'pm2 restart', 'supervisorctl restart', 'watch − floor', 'pm2 ÷ compute restart', 'supervisorctl ÷ compute restart']),
    row(Array(8).fill('---')),
    row([ms(m.floor), ms(m.computeWatch), ms(m.computeRestart), ms(m.pm2Restart), ms(m.supervisorctlRestart), ms(m.computeWatch - m.floor), x(m.pm2Restart / m.computeRestart), x(m.supervisorctlRestart / m.computeRestart)]),
    '',
    `Other units whose pid changed during the watch re-applies: ${re.othersChanged.length === 0 ? 'none' : re.othersChanged.join(', ')}.`,
  ];
}

function footprintTable(fp) {
  const lines = [
    `### 3. Footprint: ${fp.units} listeners idle for ${fp.idleMs / 1000} s, after ${(fp.settleMs ?? 3000) / 1000} s of settling`,
    '',
    row(['supervisor', 'health checks', 'CPU (% of one core, median of 5 windows)', 'CPU time in the whole idle period', 'CPU while settling', 'RSS']),
    row(Array(6).fill('---')),
  ];
  const checks = { compute: 'HTTP every 1 s per unit', pm2: 'none (pm2 has none)', supervisord: 'none (supervisord has none)' };
  for (const [name, r] of Object.entries(fp.tools)) {
    lines.push(row([name === 'compute' ? 'compute daemon' : name, checks[name], pct(r.cpuPercent), ms(r.cpuMsTotal), pct(r.settlePercent), mib(r.rssMiB)]));
  }
  return lines;
}

function logsTable(logs) {
  const m = logs.medians;
  const lines = [
    `### 4. Log throughput: ${(logs.bytes / 1e6).toFixed(0)} MB of 36-byte lines from one unit`,
    '',
    'From the unit\'s start to: every byte stored where the tool keeps logs (for compute: in its spool and indexed for `compute logs`, the unit marked completed), and to the unit\'s own last write returning.',
    '',
    row(['tool', 'all stored', '÷ floor', 'unit done writing', 'supervisor peak RSS', 'bytes lost (all runs)']),
    row(Array(6).fill('---')),
  ];
  for (const [name, value] of Object.entries(m)) {
    const lost = logs.lostBytes?.[name];
    lines.push(row([name, ms(value), x(value / m.floor), ms(logs.writingMs?.[name]), mib(logs.peakRssMiB[name]), name === 'floor' ? '–' : (lost ?? 0).toLocaleString('en-US')]));
  }
  return lines;
}

function planTable(plan) {
  const lines = ['### 5. Plan at scale (load + validate + diff + order, in one process, modules already loaded)', '', row(['units', 'median', 'of which load', 'of which diff + order', 'module load (not counted)']), row(Array(5).fill('---'))];
  for (const c of plan.cases) lines.push(row([c.units.toLocaleString('en-US'), ms(c.median), ms(c.lastRun.loadMs), ms(c.lastRun.diffMs), ms(c.lastRun.importMs)]));
  if (plan.growth !== undefined) lines.push('', `Growth from 1,000 to 10,000 units: ${x(plan.growth)}.`);
  return lines;
}

function commandsTable(commands) {
  const lines = [
    `### 6. Short commands on a running project of ${commands.units} units (each paired with \`node -e 0\` in the same loop; medians of ${commands.rounds} rounds)`,
    '',
    row(['command', 'wall', 'of which the unit (start, restart)', 'CLI', '`node -e 0`', 'CLI ÷ node', 'goal', 'peak RSS', 'RSS ÷ node']),
    row(Array(9).fill('---')),
  ];
  for (const c of commands.cases) {
    lines.push(row([`\`compute ${c.args.join(' ')}\``, ms(c.wallMs), c.unitMs ? ms(c.unitMs) : '–', ms(c.cliMs), ms(c.nodeMs), x2(c.ratio), `≤ ${c.goal}×`, mib(c.rssMiB), x2(c.rssRatio)]));
  }
  return lines;
}

/** Writes results.json. */
export function writeResults(path, results) {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Replaces the generated part of docs/BENCHMARKS.md (between its markers) with the tables of `results`. */
export function updateDoc(path, results) {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${START} … ${END} section`);
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${markdown(results)}\n${text.slice(end)}`);
}
