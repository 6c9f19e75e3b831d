// compute as the benchmark drives it: compose files written for the scenario, the real CLI (bin/compute.js, which
// runs the built dist/), and the daemon it starts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { now, run, runOk, start } from '../lib/util.mjs';

const BIN = fileURLToPath(new URL('../../bin/compute.js', import.meta.url));
const DIST = new URL('../../dist/', import.meta.url);

/**
 * The compose file of a scenario. `units`: [{ name, port?, needs?, env?, command }]; `check`: 'tcp', 'http' or
 * none; `intervalMs` of the checks.
 */
export function composeFile(units, { check = 'tcp', intervalMs = 2000 } = {}) {
  const lines = ['name: bench', 'servers:'];
  for (const unit of units) {
    lines.push(`  ${unit.name}:`, `    start: ${JSON.stringify(unit.command)}`);
    if (unit.port !== undefined) lines.push(`    port: ${unit.port}`, '    strict_port: true');
    if (check === 'tcp' && unit.port !== undefined) lines.push(`    health_check: { port: ${unit.port}, interval_ms: ${intervalMs} }`);
    if (check === 'http') lines.push(`    health_check: { path: /, interval_ms: ${intervalMs} }`);
    if (unit.needs?.length) lines.push(`    needs: [${unit.needs.join(', ')}]`);
    if (unit.env) lines.push(`    environment: ${JSON.stringify(unit.env)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A compute project in `dir` (its compose file and, once up, its .compute/ folder). */
export class ComputeProject {
  constructor(dir) {
    this.dir = dir;
    this.file = join(dir, 'compute.yaml');
    this.stateDir = join(dir, '.compute', 'state');
  }

  write(units, options) {
    writeFileSync(this.file, composeFile(units, options));
  }

  /** Runs `compute ARGS -f FILE` to its end; throws when it fails. */
  cli(args, extra = []) {
    return runOk(process.execPath, [BIN, ...args, '-f', this.file, ...extra], { cwd: this.dir });
  }

  /** `compute up -d`: resolves with its duration once every unit is ready. */
  up() {
    return this.cli(['up', '-d']);
  }

  /** `compute up -d --watch` as a child that keeps running (stop it with SIGINT). */
  watch(logFd) {
    return start(process.execPath, [BIN, 'up', '-d', '--watch', '-f', this.file], { cwd: this.dir, logFd });
  }

  /** `compute down`, which also stops the daemon; tolerates a project that was never up. */
  async down() {
    const result = await run(process.execPath, [BIN, 'down', '-f', this.file], { cwd: this.dir });
    if (result.code !== 0) throw new Error(`compute down failed:\n${result.stdout}${result.stderr}`);
  }

  /** The daemon's pid, from its pidfile. */
  daemonPid() {
    return Number(readFileSync(join(this.stateDir, 'daemon.pid'), 'utf8').trim());
  }

  /** A client of the project's daemon (the SDK from dist/). */
  async client() {
    const { connect } = await import(new URL('sdk/index.js', DIST).href);
    return connect({ socketPath: join(this.stateDir, 'daemon.sock') });
  }

  /** Resolves once `unit` reaches `status`, watching the daemon's event stream; rejects after `timeoutMs`. */
  async until(unit, status, timeoutMs = 120_000) {
    const client = await this.client();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      for await (const item of client.events(controller.signal)) {
        const states = item.type === 'snapshot' ? item.units : [item.state];
        const state = states.find((s) => s.name === unit);
        if (state?.status === status) return { at: now(), state };
      }
      throw new Error(`unit ${unit} did not become ${status} within ${timeoutMs} ms`);
    } finally {
      clearTimeout(timer);
      controller.abort();
      await client.close();
    }
  }
}

/** Imports a module of the built dist/ (for the in-process plan scenario). */
export function importDist(path) {
  return import(new URL(path, DIST).href);
}

