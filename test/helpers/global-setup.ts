// Builds dist/ once before the tests, so that tests spawning the CLI run the code under test, not a stale build;
// after the tests, fails the run if any test left a process behind.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { killLeakedProcesses } from './leaks.js';

/** Vitest global setup: build dist/ and its bundles as `npm run build` does. Type errors are reported by `npm run typecheck`, not here. */
export default function setup(): () => void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits when there are type errors; only a missing build is fatal here.
    if (!existsSync(`${root}/dist/cli/main.js`)) throw error;
  }
  // The ahead-of-time validators, as `npm run build` makes them, so spawned CLIs and daemons run what ships.
  execFileSync(process.execPath, ['schema/compile-validators.mjs'], { cwd: root, stdio: 'pipe' });
  // The bundles that bin/compute.js and the SDK's daemon spawner run, from what was just built.
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root, stdio: 'pipe' });
  return teardown;
}

// A process whose test folder is gone outlived its test: that is a bug in the test or in the code it tests.
function teardown(): void {
  const leaked = killLeakedProcesses();
  if (leaked.length > 0) {
    const list = leaked.map((leak) => `  pid ${leak.pid} (${leak.folder}): ${leak.command}`).join('\n');
    throw new Error(`${leaked.length} process(es) outlived their tests and were killed:\n${list}`);
  }
}
