// pm2 (the devDependency) as the benchmark drives it: its CLI with PM2_HOME in the run's temp folder, so it never
// touches the user's pm2, and an ecosystem file of the same fixture processes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, run, runOk, waitFor } from '../lib/util.mjs';

const PM2_BIN = fileURLToPath(new URL('../../node_modules/pm2/bin/pm2', import.meta.url));

/** True when pm2 is installed (npm ci of the devDependencies). */
export function pm2Available() {
  return existsSync(PM2_BIN);
}

/** pm2's version, read from its package.json (running `pm2 --version` would start a daemon). */
export function pm2Version() {
  return JSON.parse(readFileSync(new URL('../../node_modules/pm2/package.json', import.meta.url), 'utf8')).version;
}

/** One pm2 home (its own daemon) in `dir`. */
export class Pm2 {
  constructor(dir) {
    this.home = join(dir, 'pm2-home');
    this.dir = dir;
    mkdirSync(this.home, { recursive: true });
    // PM2_HOME keeps the daemon here; the other variables stop it from phoning home or printing banners.
    this.env = { ...process.env, PM2_HOME: this.home, PM2_DISCRETE_MODE: 'true', PM2_SILENT: 'true', PM2_PROGRAMMATIC: 'false' };
  }

  /** Runs `pm2 ARGS`; throws when it fails. */
  cli(args) {
    return runOk(process.execPath, [PM2_BIN, ...args], { env: this.env, cwd: this.dir });
  }

  /** Writes an ecosystem file of `apps` ({ name, script, args?, env?, out? }) and returns its path. */
  ecosystem(apps, name = 'ecosystem.json') {
    const file = join(this.dir, name);
    const config = apps.map((app) => ({
      name: app.name,
      script: app.script,
      args: app.args ?? [],
      interpreter: 'none',
      env: app.env ?? {},
      autorestart: app.autorestart ?? true,
      out_file: app.out ?? join(this.dir, 'logs', `${app.name}.out`),
      error_file: join(this.dir, 'logs', `${app.name}.err`),
    }));
    writeFileSync(file, JSON.stringify({ apps: config }));
    return file;
  }

  /** The God daemon's pid, when it runs. */
  daemonPid() {
    try {
      const pid = Number(readFileSync(join(this.home, 'pm2.pid'), 'utf8'));
      return alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Ends the daemon and every app it runs (`pm2 kill`), and waits until the daemon is gone. */
  async kill() {
    const pid = this.daemonPid();
    if (pid === undefined) return;
    await run(process.execPath, [PM2_BIN, 'kill'], { env: this.env, cwd: this.dir });
    await waitFor(() => !alive(pid), { timeoutMs: 15_000, everyMs: 20, what: 'the pm2 daemon to exit' }).catch(() => {
      // `pm2 kill` failed to end it: end it by its pid, which this run started.
      process.kill(pid, 'SIGKILL');
    });
  }
}
