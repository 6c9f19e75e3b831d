// One run of the plan-at-scale scenario, in its own process: imports the built config and plan modules, then times
// loadConfig (parse, interpolate, schema and semantic checks) and diff (graph, order) against a running twin of the
// file in which every tenth unit differs. Prints the figures as JSON.
import { performance } from 'node:perf_hooks';

const file = process.argv[2];
let t0 = performance.now();
const { loadConfig } = await import(new URL('../../dist/config/index.js', import.meta.url).href);
const { diff } = await import(new URL('../../dist/plan/diff.js', import.meta.url).href);
const importMs = performance.now() - t0;

// Timed cold, once, as `compute plan` runs it: a second load in the same process would be faster (warmed-up JIT).
t0 = performance.now();
const loaded = await loadConfig({ files: [file] });
const loadMs = performance.now() - t0;
if (!loaded.spec) throw new Error(`the generated file does not load: ${JSON.stringify(loaded.errors.slice(0, 3))}`);

// The actual state (not timed): every unit running as the file makes it, every tenth with another spec hash.
const ts = new Date().toISOString();
const units = Object.values(loaded.spec.units).map((spec, i) => ({
  name: spec.name,
  kind: spec.kind,
  spec: i % 10 === 0 ? { ...spec, hash: `${spec.hash}-old` } : spec,
  status: 'ready',
  exitCode: null,
  restartCount: 0,
  consecutiveFailures: 0,
  createdAt: ts,
  updatedAt: ts,
}));

const t1 = performance.now();
const plan = diff(loaded.spec, { units, overlays: [] });
const diffMs = performance.now() - t1;
const actions = {};
for (const change of plan.units) actions[change.action] = (actions[change.action] ?? 0) + 1;
process.stdout.write(JSON.stringify({ importMs, loadMs, diffMs, totalMs: loadMs + diffMs, actions }));
