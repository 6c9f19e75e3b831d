// Scenario 9, bounded inputs (issue 13): `compute validate -f FILE` on hostile or large compose files, each in a fresh
// process under /usr/bin/time: wall time, CPU time (user + sys) and peak RSS. The goal: any file of 1 MB or less is
// accepted or refused in ≤ 1 s and ≤ 200 MB, with file:line:col. `node -e 0` is measured in the same rounds.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { anchoredFile } from '../lib/anchored.mjs';
import { median, now, run } from '../lib/util.mjs';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const TIME = '/usr/bin/time';

/** A "billion laughs" of merge keys (9^30 values if expanded), with its anchors under `x-` keys or not. */
function mergeBomb(prefix) {
  let text = `${prefix}a0: &a0 {k: v}\n`;
  for (let i = 1; i < 30; i++) text += `${prefix}a${i}: &a${i}\n  <<: *a${i - 1}\n  l: [${Array(8).fill(`*a${i - 1}`).join(', ')}]\n`;
  return `${text}services:\n  s:\n    cmd: x\n    env:\n      <<: *a29\n`;
}

/** The files measured: what each is, its text, and whether it must be accepted. */
export function boundedCases(bytes = 2 ** 20) {
  const anchored = anchoredFile(bytes);
  return [
    { name: `${Math.round(bytes / 1024)} KiB of anchors, aliases and merges`, text: anchored, valid: true },
    { name: 'the same with two mistakes', text: anchored.replace('needs: [s-100]', 'needs: [nope]').replace('{ path: /health,', '{ path: health,'), valid: false },
    { name: 'a merge-key alias bomb under x- keys', text: mergeBomb('x-'), valid: false },
    { name: 'a merge-key alias bomb outside x- keys', text: mergeBomb(''), valid: false },
  ];
}

// One run under /usr/bin/time: wall (taken here), CPU and peak RSS (from time's report), and whether it was refused.
async function measure(dir, args) {
  const report = join(dir, 'time');
  const wrapped = existsSync(TIME) ? [TIME, ['-f', '%U %S %M', '-o', report, ...args]] : [args[0], args.slice(1)];
  const t0 = now();
  const result = await run(wrapped[0], wrapped[1], { cwd: dir });
  const ms = now() - t0;
  let cpuMs = Number.NaN;
  let rssMiB = Number.NaN;
  if (existsSync(report)) {
    const [user, sys, kb] = readFileSync(report, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    cpuMs = (user + sys) * 1000;
    rssMiB = kb / 1024;
    rmSync(report);
  }
  return { ms, cpuMs, rssMiB, code: result.code, output: `${result.stdout}${result.stderr}` };
}

/** Runs scenario 9: each case `ctx.runs` times, beside `node -e 0`. */
export async function boundedInputs(ctx, bytes = 2 ** 20) {
  const dir = ctx.tempDir('bounded-');
  const cases = [];
  const node = [];
  for (const c of boundedCases(bytes)) {
    const file = join(dir, 'compute.yaml');
    writeFileSync(file, c.text);
    const samples = [];
    for (let i = 0; i < ctx.runs; i++) {
      node.push((await measure(dir, [process.execPath, '-e', '0'])).ms);
      const sample = await measure(dir, [process.execPath, BIN, 'validate', '-f', file]);
      if ((sample.code === 0) !== c.valid) throw new Error(`${c.name}: validate exited ${sample.code}:\n${sample.output.slice(0, 2000)}`);
      // A refusal must point into the file: every error line is file:line:col.
      if (!c.valid && !/compute\.yaml:\d+:\d+: /.test(sample.output)) throw new Error(`${c.name}: no file:line:col in:\n${sample.output.slice(0, 2000)}`);
      samples.push(sample);
    }
    const pick = (key) => median(samples.map((s) => s[key]));
    const result = { name: c.name, bytes: c.text.length, valid: c.valid, ms: pick('ms'), cpuMs: pick('cpuMs'), rssMiB: Math.max(...samples.map((s) => s.rssMiB)), samples: samples.map(({ output, ...s }) => s) };
    ctx.log(`  ${c.name} (${c.text.length} bytes): ${result.ms.toFixed(0)} ms wall, ${result.cpuMs.toFixed(0)} ms CPU, ${result.rssMiB.toFixed(1)} MiB peak (medians of ${ctx.runs}; wall ${samples.map((s) => s.ms.toFixed(0)).join(', ')})`);
    cases.push(result);
  }
  ctx.removeDir(dir);
  const nodeMs = median(node);
  ctx.log(`  node -e 0: ${nodeMs.toFixed(0)} ms`);
  return { cases, nodeMs };
}
