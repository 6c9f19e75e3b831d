// Debian's supervisord as the benchmark drives it: a config of the same fixture processes in the run's temp folder,
// supervisord in the foreground as our child, supervisorctl over its unix socket.
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exited, runOk, start, waitFor } from '../lib/util.mjs';

/** The path of a program on PATH, or undefined. */
function which(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** supervisord's version, or undefined when it is not installed (its column is then skipped). */
export function supervisorVersion() {
  const bin = which('supervisord');
  if (!bin || !which('supervisorctl')) return undefined;
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** One supervisord instance with its config in `dir`. */
export class Supervisord {
  constructor(dir) {
    this.dir = dir;
    this.conf = join(dir, 'supervisord.conf');
    mkdirSync(join(dir, 'logs'), { recursive: true });
  }

  /** Writes the config: `programs` are { name, command, env?, autorestart?, log? }. */
  write(programs) {
    const sections = [
      `[unix_http_server]\nfile=${join(this.dir, 'supervisor.sock')}\nchmod=0700`,
      `[supervisord]\nnodaemon=true\nlogfile=${join(this.dir, 'supervisord.log')}\npidfile=${join(this.dir, 'supervisord.pid')}\nchildlogdir=${join(this.dir, 'logs')}\nloglevel=warn`,
      '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      `[supervisorctl]\nserverurl=unix://${join(this.dir, 'supervisor.sock')}`,
    ];
    for (const program of programs) {
      const env = Object.entries(program.env ?? {}).map(([key, value]) => `${key}="${value}"`).join(',');
      sections.push(
        [
          `[program:${program.name}]`,
          `command=${program.command}`,
          env ? `environment=${env}` : '',
          `autorestart=${program.autorestart ?? true}`,
          'startsecs=0',
          'stopasgroup=true',
          'killasgroup=true',
          'redirect_stderr=true',
          `stdout_logfile=${program.log ?? join(this.dir, 'logs', `${program.name}.log`)}`,
          'stdout_logfile_maxbytes=0',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
    writeFileSync(this.conf, `${sections.join('\n\n')}\n`);
  }

  /** Starts supervisord in the foreground (as our child); it spawns every program. */
  start() {
    const out = openSync(join(this.dir, 'supervisord.out'), 'a');
    try {
      this.child = start('supervisord', ['-c', this.conf], { logFd: out });
    } finally {
      closeSync(out);
    }
    return this.child;
  }

  /** Runs `supervisorctl ARGS`; throws when it fails. */
  ctl(args) {
    return runOk('supervisorctl', ['-c', this.conf, ...args]);
  }

  /** Waits until supervisorctl answers (the daemon is up). */
  async ready() {
    await waitFor(async () => (await this.ctl(['pid']).then(() => true, () => false)), { timeoutMs: 20_000, everyMs: 20, what: 'supervisord' });
  }

  /** Stops supervisord, which stops its programs first, and waits for it to exit. */
  async stop() {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    await exited(this.child);
    this.child = undefined;
  }
}
