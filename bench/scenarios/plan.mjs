// Scenario 5, plan at scale: load + validate + diff + order of generated compose files of 1,000 and 10,000 units,
// in a fresh Node process per run (scenarios/plan-child.mjs), timed inside it after the modules are loaded.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runOk } from '../lib/util.mjs';

const CHILD = fileURLToPath(new URL('./plan-child.mjs', import.meta.url));

/** A compose file of `count` servers, each needing up to two earlier ones, with ports, checks and environment. */
export function generatedFile(count) {
  const lines = ['name: scale', 'sandbox: { provider: local, envs: { LOG_LEVEL: info } }', 'servers:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  svc-${i}:`, `    start: ./bin/server --id ${i}`, `    path: /app/svc-${i % 50}`, `    port: ${10_000 + i}`);
    lines.push('    environment: { NODE_ENV: development, REGION: "${REGION:-eu}" }', '    health_check: { path: /health, interval_ms: 1000 }');
    const needs = [i - 1, Math.floor(i / 2) - 1].filter((n, k, all) => n >= 0 && all.indexOf(n) === k && i % 10 !== 0);
    if (needs.length > 0) lines.push(`    needs: [${needs.map((n) => `svc-${n}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs scenario 5 for each size. */
export async function planAtScale(ctx, sizes = [1000, 10_000]) {
  const cases = [];
  for (const count of sizes) {
    const dir = ctx.tempDir('plan-');
    const file = join(dir, 'compute.yaml');
    writeFileSync(file, generatedFile(count));
    const samples = [];
    let detail;
    for (let run = 0; run < ctx.runs; run++) {
      const { stdout } = await runOk(process.execPath, [CHILD, file], { cwd: dir });
      detail = JSON.parse(stdout);
      samples.push(detail.totalMs);
    }
    const result = { units: count, samples, median: median(samples), lastRun: detail };
    ctx.log(`  ${count} units: ${samples.map((s) => s.toFixed(0)).join(', ')} ms (load ${detail.loadMs.toFixed(0)}, diff+order ${detail.diffMs.toFixed(0)}; modules ${detail.importMs.toFixed(0)} ms)`);
    cases.push(result);
  }
  const [small, large] = cases;
  return { cases, growth: small && large ? large.median / small.median : undefined };
}
