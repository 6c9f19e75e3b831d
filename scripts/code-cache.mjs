// Writes the CLI bundle's V8 code cache (dist/compute.cjs.cache), run by `npm run build` after the bundles: runs the
// commands users run most, in this one process and with their output discarded, so that the cache holds the code
// they compile (start-up, arguments, the config's reader and checks, the paths of a project), then saves it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCli } from '../bin/load-cli.js';

const { exports: cli, writeCache } = loadCli();
const dir = mkdtempSync(join(tmpdir(), 'compute-code-cache-'));
const file = join(dir, 'compute.yaml');
writeFileSync(file, 'name: warm\nservices:\n  web:\n    start: node server.js\n    port: 3000\n    health_check: { path: /health }\n  db:\n    cmd: redis-server\n    needs: [web]\n');
const silent = { stdout: () => {}, stderr: () => {}, isTTY: false, env: { NO_COLOR: '1' }, cwd: dir };
try {
  for (const args of [['--version'], ['validate'], ['config'], ['ps'], ['ps', '--json'], ['logs', 'web'], ['up', '--help'], ['upp']]) {
    await cli.main(args, silent);
  }
  writeCache();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
