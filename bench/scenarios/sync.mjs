// Scenario 6, overlay sync (issue 15): a 10,000-file, 200 MB source. The first copy beside `cp -a` of the same tree;
// one changed file synced by the engine (scan + diff against the manifest + apply) beside a plain `cp` of that file;
// and `compute up -d` with one changed file beside the no-op `compute up -d`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, now, runOk } from '../lib/util.mjs';

const DIST = new URL('../../dist/', import.meta.url);
const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));

/** Writes `files` files of `bytes` each, 100 per folder. */
function makeSource(dir, files, bytes) {
  const chunk = Buffer.alloc(bytes, 97);
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `f${i}.txt`), chunk);
  }
}

/** Runs the scenario; `files` and `bytes` size the source (10,000 × 20 KB = 200 MB by default). */
export async function overlaySync(ctx, files = 10_000, bytes = 20 * 1024) {
  const { OverlayManager } = await import(new URL('daemon/overlays/index.js', DIST).href);
  const { scanPaths, scanSource } = await import(new URL('reconcile/scan.js', DIST).href);
  const { syncOperations } = await import(new URL('contract/sync.js', DIST).href);
  const source = join(ctx.tempDir('sync-src-'), 'app');
  makeSource(source, files, bytes);
  const spec = { id: 'app', source, target: '/app', strategy: 'copy', ignore: [] };
  const copies = { compute: [], cpA: [] };
  const changes = { compute: [], watched: [], cp: [] };
  for (let run = 0; run < ctx.runs; run++) {
    // The dirty pages of the last copy are written out first, so neither copy pays the other's writeback.
    await runOk('sync', []);
    const cpDir = ctx.tempDir('sync-cp-');
    let t0 = now();
    await runOk('cp', ['-a', source, join(cpDir, 'app')]);
    copies.cpA.push(now() - t0);
    ctx.removeDir(cpDir);
    await runOk('sync', []);
    const root = ctx.tempDir('sync-root-');
    const manager = new OverlayManager({ root });
    t0 = now();
    await manager.create(spec);
    await manager.whenComplete('app');
    copies.compute.push(now() - t0);
    // One saved file: what the engine does for it, end to end, beside copying just that file.
    // A file from the middle of the tree (d50/f5000.txt in the full run; the quick run's tree is smaller).
    const index = Math.floor(files / 200) * 100 + run;
    const rel = `d${Math.floor(index / 100)}/f${index}.txt`;
    const file = join(source, rel);
    writeFileSync(file, `changed in run ${run}\n`);
    t0 = now();
    const written = manager.manifest('app');
    const scan = await scanSource(spec, written);
    const result = await manager.sync('app', syncOperations(scan.manifest, written));
    changes.compute.push(now() - t0);
    if (result.changed !== 1) throw new Error(`expected 1 changed file, the sync changed ${result.changed}`);
    // The same save under `up --watch`: only the path the watcher reported is scanned.
    writeFileSync(file, `changed again in run ${run}\n`);
    t0 = now();
    const before = manager.manifest('app');
    const watched = await manager.sync('app', syncOperations((await scanPaths(spec, before, [rel])).manifest, before));
    changes.watched.push(now() - t0);
    if (watched.changed !== 1) throw new Error(`expected 1 changed file, the watched sync changed ${watched.changed}`);
    t0 = now();
    await runOk('cp', [file, join(root, 'app', rel.split('/')[0], 'copy.txt')]);
    changes.cp.push(now() - t0);
    await manager.close();
    ctx.removeDir(root);
  }
  const medians = {
    firstCopy: median(copies.compute),
    cpA: median(copies.cpA),
    oneChange: median(changes.compute),
    oneWatched: median(changes.watched),
    cp: median(changes.cp),
  };
  ctx.log(`  first copy of ${files} files (${Math.round((files * bytes) / 2 ** 20)} MiB): compute ${medians.firstCopy.toFixed(0)} ms, cp -a ${medians.cpA.toFixed(0)} ms (${(medians.firstCopy / medians.cpA).toFixed(2)}×)`);
  ctx.log(`  one changed file: engine ${medians.oneChange.toFixed(1)} ms (full scan + diff + write, as up does), ${medians.oneWatched.toFixed(1)} ms (the reported path only, as up --watch does), cp of the file ${medians.cp.toFixed(1)} ms`);
  const smart = await smartCopy(ctx, source, OverlayManager, files * 3);
  ctx.log(`  first copy with smart and a ${smart.packageFiles}-file node_modules: ${smart.smart.toFixed(0)} ms, the same tree copied without it ${smart.plain.toFixed(0)} ms (${(smart.smart / smart.plain).toFixed(2)}×)`);
  const up = await upWithOneChange(ctx, source);
  ctx.log(`  compute up -d: no-op ${up.noop.toFixed(0)} ms, one changed file ${up.oneChange.toFixed(0)} ms (${(up.oneChange / up.noop).toFixed(2)}×)`);
  rmSync(source, { recursive: true, force: true });
  return {
    files,
    bytes,
    runs: ctx.runs,
    medians: { ...medians, upNoop: up.noop, upOneChange: up.oneChange, smart: smart.smart, smartPlain: smart.plain },
    samples: { copies, changes, up: up.samples, smart: smart.samples },
  };
}

// `smart` beside a plain copy: the same tree plus a node_modules of `packageFiles` 1 KB files (symlinked by smart),
// against the tree without it copied plainly; alternating, each run into a fresh root.
async function smartCopy(ctx, source, OverlayManager, packageFiles) {
  const withPackages = join(ctx.tempDir('sync-smart-'), 'app');
  await runOk('cp', ['-a', source, withPackages]);
  const chunk = Buffer.alloc(1024, 98);
  for (let i = 0; i < packageFiles; i++) {
    const folder = join(withPackages, 'node_modules', `pkg${Math.floor(i / 50)}`);
    if (i % 50 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `m${i}.js`), chunk);
  }
  const samples = { smart: [], plain: [] };
  const copyOnce = async (spec) => {
    await runOk('sync', []);
    const root = ctx.tempDir('sync-root-');
    const manager = new OverlayManager({ root });
    const t0 = now();
    await manager.create(spec);
    await manager.whenComplete(spec.id);
    const ms = now() - t0;
    await manager.close();
    ctx.removeDir(root);
    return ms;
  };
  for (let run = 0; run < ctx.runs; run++) {
    samples.plain.push(await copyOnce({ id: 'app', source, target: '/app', strategy: 'copy', ignore: [] }));
    samples.smart.push(await copyOnce({ id: 'app', source: withPackages, target: '/app', strategy: 'smart', ignore: [] }));
  }
  rmSync(withPackages, { recursive: true, force: true });
  return { packageFiles, smart: median(samples.smart), plain: median(samples.plain), samples };
}

// The whole command, through the daemon: `up -d` after one saved file, beside `up -d` with nothing to do.
async function upWithOneChange(ctx, source) {
  const dir = ctx.tempDir('sync-project-');
  const yaml = `name: syncbench\noverlays:\n  - source: ${JSON.stringify(source)}\n    target: /app\nservers:\n  idle:\n    start: node -e "setInterval(() => {}, 1000)"\n    path: /app\n`;
  writeFileSync(join(dir, 'compute.yaml'), yaml);
  const env = { ...process.env, NO_COLOR: '1' };
  await runOk(process.execPath, [BIN, 'up', '-d'], { cwd: dir, env });
  const samples = { noop: [], oneChange: [] };
  try {
    for (let run = 0; run < ctx.runs; run++) {
      let t0 = now();
      await runOk(process.execPath, [BIN, 'up', '-d'], { cwd: dir, env });
      samples.noop.push(now() - t0);
      writeFileSync(join(source, 'd7', 'f700.txt'), `up run ${run}\n`);
      t0 = now();
      await runOk(process.execPath, [BIN, 'up', '-d'], { cwd: dir, env });
      samples.oneChange.push(now() - t0);
    }
  } finally {
    await runOk(process.execPath, [BIN, 'down'], { cwd: dir, env });
  }
  return { noop: median(samples.noop), oneChange: median(samples.oneChange), samples };
}
