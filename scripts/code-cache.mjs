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
  // A cache is only a speed-up: a build where a bundle cannot be warmed (no unix sockets, say) still succeeds, and
  // that bundle compiles at each start as it would without one.
  for (const [name, warm] of [['CLI', warmCli], ['daemon', warmDaemon]]) {
    await warm().catch((error) => console.warn(`code cache: the ${name}'s was not written: ${error instanceof Error ? error.message : String(error)}`));
  }
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
  let ended = false;
  const running = daemon.run(['--root', root, '--state', state], silent({ signal: stop.signal })).finally(() => (ended = true));
  const socket = join(state, 'daemon.sock');
  try {
    const deadline = Date.now() + 30_000;
    while (!existsSync(socket)) {
      if (ended) throw new Error(`it exited with ${await running} before listening`);
      if (Date.now() > deadline) throw new Error(`it did not listen on ${socket} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await get(socket, '/v1/units');
  } finally {
    // Stopped also when warming failed: a daemon left listening would keep the build from ending.
    stop.abort();
  }
  const code = await running;
  if (code !== 0) throw new Error(`it exited with ${code}`);
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
