// Builds dist/ once before the tests, so that tests spawning the CLI run the code under test, not a stale build.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Vitest global setup: compile src/ to dist/. Type errors are reported by `npm run typecheck`, not here. */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits when there are type errors; only a missing build is fatal here.
    if (!existsSync(`${root}/dist/cli/main.js`)) throw error;
  }
}
