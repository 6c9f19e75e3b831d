// Measures what health checks cost the daemon (issue 7, footprint): N units with an HTTP check every second.
// Not a test (speed goals belong in benchmarks):
//   npm run build && node test/daemon/health/footprint.mjs [N] [SECONDS] [SERVER]
// The servers live in other processes, so this process's CPU time and RSS are the prober's alone: by default one node
// process serving N ports; with SERVER (a program that serves HTTP on a free port and prints `listening PORT`), N
// processes of it, as the benchmark of issue 7 runs them.
import { spawn } from 'node:child_process';
import { startHealthMonitor } from '../../../dist/daemon/health/index.js';

const units = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 60);
const serverProgram = process.argv[4];
const serversScript = `
  const http = require('node:http');
  for (let i = 0; i < ${units}; i++) {
    const s = http.createServer((q, r) => r.end('ok'));
    s.listen(0, '127.0.0.1', () => console.log('port ' + s.address().port));
  }`;
const ports = [];
const children = [];
/** Spawns a program and resolves with the ports it prints as `listening PORT` / `port PORT`, once it printed `count`. */
function serve(command, args, count) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const found = [...buffer.matchAll(/(?:listening|port) (\d+)\n/g)].map((match) => Number(match[1]));
      if (found.length >= count) resolve(found);
    });
  });
}
if (serverProgram) for (let i = 0; i < units; i++) ports.push(...(await serve(serverProgram, [], 1)));
else ports.push(...(await serve(process.execPath, ['-e', serversScript], units)));

const timing = { intervalMs: 1000, timeoutMs: 1000, delayMs: 0 };
// CHECK=tcp measures TCP checks (connect and reset) on the same servers instead.
const checkFor = (port) => (process.env.CHECK === 'tcp' ? { type: 'tcp', port, ...timing } : { type: 'http', path: '/health', ...timing });
// Units start at different times, as they do in a real stack: one every 10 ms.
const monitors = [];
for (const port of ports) {
  monitors.push(startHealthMonitor(checkFor(port), { port: () => port, cwd: '/', env: {}, onLine: () => () => {} }, () => {}));
  await new Promise((resolve) => setTimeout(resolve, 10));
}
// Let every monitor turn healthy and connections settle before measuring the steady state.
await new Promise((resolve) => setTimeout(resolve, 3000));
const cpuBefore = process.cpuUsage();
const wallBefore = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const cpu = process.cpuUsage(cpuBefore);
const wallMs = Number(process.hrtime.bigint() - wallBefore) / 1e6;
const healthy = monitors.filter((m) => m.current().healthy).length;
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  JSON.stringify({
    check: process.env.CHECK ?? 'http',
    units,
    seconds,
    healthy,
    cpuMs: Math.round(cpuMs),
    userMs: Math.round(cpu.user / 1000),
    systemMs: Math.round(cpu.system / 1000),
    percentOfOneCore: Number(((100 * cpuMs) / wallMs).toFixed(3)),
    cpuUsPerProbe: Math.round((cpuMs * 1000) / (units * (wallMs / 1000))),
    rssMB: Number((process.memoryUsage().rss / 2 ** 20).toFixed(1)),
  }),
);
for (const monitor of monitors) monitor.stop();
for (const child of children) child.kill();
process.exit(0);
