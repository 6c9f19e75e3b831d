// `compute down`: stops and removes every unit of the project, then the sandbox daemon when nothing else is in it.
import { readDaemonInfo, pidAlive } from '../../contract/discovery.js';
import { AT_REST_STATUSES } from '../../contract/status.js';
import { PROJECT_LABEL, type UnitState } from '../../contract/unit.js';
import type { SandboxClient } from '../../sdk/index.js';
import { parseCommandArgs, parseNonNegativeInt, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { CliIO, Command } from '../io.js';
import { destroyHostSandbox, providerOf } from '../host.js';
import { asCLIError, connectTarget, findTarget, hostTargetOf, readUnits, type ProjectTarget } from '../target.js';
import { unitOrder } from '../output/units.js';

const HELP = `Usage: compute down [-f FILE]... [--timeout MS] [--destroy]

Stops every unit of the project (dependents before what they need; each gets SIGTERM,
then SIGKILL after its stop_timeout_ms) and removes them with their logs, including units
the file no longer names. Then stops the project's sandbox daemon, unless it still has
units of another project. The sandbox's files (overlay copies under .compute/root) are
kept, so the next \`compute up\` does not copy them again; delete .compute/ to drop them.
A broken compose file is reported as a warning and the project is taken down anyway.
When the daemon died leaving units running, a new daemon is started to take them over
and end them (with every process they started, where the machine has cgroups).

With a provider sandbox (sandbox.provider other than local), the sandbox and compute's
agent in it keep running, so the next \`compute up\` is fast; --destroy also destroys it.

Options:
  --destroy         also destroy the project's provider sandbox (and forget it)
  --timeout MS      give up waiting after MS milliseconds and name the units still stopping
                    (the daemon goes on stopping them; default: wait as long as it takes)
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help

Exit codes: 0 done (or nothing to do); 1 a unit did not stop in time, or the daemon failed;
2 config or usage error.
`;

const OPTIONS = { ...PROJECT_OPTIONS, timeout: { type: 'string' }, destroy: { type: 'boolean' } } as const;

// How long the daemon may take to exit after it answered the shutdown (its units are stopped by then).
const DAEMON_EXIT_MS = 15_000;

/** Takes the project down; exit 1 when units did not stop within --timeout. */
export const run: Command = async (args, io) => {
  const { values } = parseCommandArgs('down', args, OPTIONS);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const timeoutMs = parseNonNegativeInt('timeout', values.timeout);
  const target = await findTarget(values, io, true);
  const host = hostTargetOf(target);
  const remote = providerOf(host) !== 'local';
  const client = await connectTarget(target, io, true);
  let code: number = EXIT.ok;
  if (!client) {
    io.stdout("nothing to do: the project's sandbox daemon is not running\n");
  } else {
    try {
      code = await takeDown(client, target, io, timeoutMs, remote);
    } catch (error) {
      throw asCLIError(error);
    } finally {
      await client.close();
    }
  }
  if (!remote && values.destroy && code === EXIT.ok) io.stdout('--destroy: the local provider has no sandbox to destroy (its files stay in .compute/)\n');
  if (!remote || code !== EXIT.ok) return code;
  if (!values.destroy) {
    io.stdout(`the ${providerOf(host)} sandbox keeps running for the next compute up (compute down --destroy removes it)\n`);
    return code;
  }
  const destroyed = await destroyHostSandbox(host);
  io.stdout(destroyed ? `destroyed sandbox ${destroyed}\n` : 'no sandbox to destroy\n');
  return code;
};

async function takeDown(client: SandboxClient, target: ProjectTarget, io: CliIO, timeoutMs: number | undefined, remote: boolean): Promise<number> {
  const { ours, name } = await readUnits(target, client);
  const names = unitOrder(target.spec, ours).filter((unit) => ours.some((state) => state.name === unit));
  if (names.length > 0) {
    const stopped = await within(client.stopUnits(names), timeoutMs);
    if (!stopped) return reportStillStopping(client, names, io, timeoutMs ?? 0);
    await client.removeUnits(names);
    io.stdout(`removed: ${[...names].reverse().join(', ')}\n`);
  } else {
    io.stdout(`nothing to remove: the sandbox has no units of ${name === undefined ? 'the project' : `project ${name}`}\n`);
  }
  const others = await client.units();
  if (others.length > 0) {
    const projects = [...new Set(others.map((unit) => unit.spec.labels[PROJECT_LABEL] ?? '(no project)'))].sort();
    io.stdout(`the sandbox daemon keeps running: it has units of ${projects.join(', ')}\n`);
    return EXIT.ok;
  }
  // The agent in a provider sandbox stays: the sandbox is kept, or destroyed with it.
  if (remote) return EXIT.ok;
  const pid = readDaemonInfo(target.stateDir)?.pid;
  await client.shutdown();
  if (pid !== undefined && !(await exited(pid, DAEMON_EXIT_MS))) {
    throw new CLIError(`the sandbox daemon (pid ${pid}) stopped its units but has not exited after ${DAEMON_EXIT_MS} ms`, EXIT.failed);
  }
  io.stdout('stopped the sandbox daemon\n');
  return EXIT.ok;
}

// True when `work` finished within `timeoutMs` (always, without one). Its failure is thrown either way.
async function within(work: Promise<unknown>, timeoutMs: number | undefined): Promise<boolean> {
  if (timeoutMs === undefined) return work.then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  // Why the catch: once the timeout wins, closing the client fails the request, which must not be unhandled.
  work.catch(() => {});
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function reportStillStopping(client: SandboxClient, names: string[], io: CliIO, timeoutMs: number): Promise<number> {
  const states = new Map((await client.units()).map((state): [string, UnitState] => [state.name, state]));
  const busy = [...names].reverse().filter((unit) => {
    const state = states.get(unit);
    return state !== undefined && !AT_REST_STATUSES.has(state.status);
  });
  const which = busy.length > 0 ? busy.join(', ') : [...names].reverse().join(', ');
  io.stderr(`compute: not stopped after ${timeoutMs} ms: ${which} (the daemon goes on stopping them; run compute down again to remove them)\n`);
  return EXIT.failed;
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
