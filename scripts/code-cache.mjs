// Writes the V8 code caches of the CommonJS bundles (dist/compute.cjs.cache, dist/compute-daemon.cjs.cache), run by
// `npm run build` after the bundles. Each bundle first does in this process what it does most, with its output
// discarded, so that its cache holds the code that compiles: the CLI runs the commands users run most (start-up,
// arguments, the config's reader and checks, a project's paths); the daemon starts in a temp folder, answers a
// request and stops.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../bin/load-bundle.js';

const COMMANDS = [['--version'], ['validate'], ['config'], ['ps'], ['ps', '--json'], ['logs', 'web'], ['up', '--help'], ['upp']];
const COMPOSE = 'name: warm\nservices:\n  web:\n    start: node server.js\n    port: 3000\n    health_check: { path: /health }\n  db:\n    cmd: redis-server\n    needs: [web]\n';

const dir = mkdtempSync(join(tmpdir(), 'compute-code-cache-'));
const silent = (extra = {}) => ({ stdout: () => {}, stderr: () => {}, isTTY: false, env: { NO_COLOR: '1' }, cwd: dir, ...extra });
try {
  await warmCli();
  await warmDaemon();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function warmCli() {
  const { exports: cli, writeCache } = loadBundle('compute');
  writeFileSync(join(dir, 'compute.yaml'), COMPOSE);
  for (const args of COMMANDS) await cli.main(args, silent());
  writeCache();
}

async function warmDaemon() {
  const { exports: daemon, writeCache } = loadBundle('compute-daemon');
  const root = join(dir, 'sandbox', 'root');
  const state = join(dir, 'sandbox', 'state');
  mkdirSync(root, { recursive: true });
  const stop = new AbortController();
  const running = daemon.run(['--root', root, '--state', state], silent({ signal: stop.signal }));
  const socket = join(state, 'daemon.sock');
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline) throw new Error(`code cache: the daemon did not listen on ${socket} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await get(socket, '/v1/units');
  stop.abort();
  const code = await running;
  if (code !== 0) throw new Error(`code cache: the daemon exited with ${code}`);
  writeCache();
}

// One GET over the daemon's socket, its body read and dropped.
function get(socketPath, path) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => res.resume().on('end', resolve));
    req.on('error', reject);
    req.end();
  });
}
