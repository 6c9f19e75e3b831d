// The entry point of the `compute` command: picks the command, runs it, and turns every error into an exit code.
import { splitGlobalOptions, unknownCommand } from './args.js';
import { EXIT } from './errors.js';
import { processIO, type CliIO, type Command } from './io.js';
import { reportError } from './report-error.js';
import { packageFile } from '../contract/package-files.js';

export { reportError };

type CommandModule = { run: Command };

// Commands are loaded on demand, so that a quick command does not pay for the modules of the others.
// `interruptible` commands get an AbortSignal that the first Ctrl-C fires.
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule>; interruptible?: boolean }> = {
  up: { summary: 'Create and start the units of compute.yaml, applying only the difference', load: () => import('./commands/up.js'), interruptible: true },
  down: { summary: 'Stop and remove every unit of the project, then its daemon', load: () => import('./commands/down.js') },
  ps: { summary: 'List the units of the project with their status', load: () => import('./commands/ps.js') },
  top: { summary: 'Show the CPU and memory each running unit uses', load: () => import('./commands/top.js') },
  logs: { summary: 'Show the output of units', load: () => import('./commands/logs.js'), interruptible: true },
  plan: { summary: 'Show what `up` would change, changing nothing', load: () => import('./commands/plan.js') },
  start: { summary: 'Start units that exist', load: () => import('./commands/start.js'), interruptible: true },
  stop: { summary: 'Stop units', load: () => import('./commands/stop.js') },
  scale: { summary: 'Run N replicas of a unit, starting or stopping only the difference', load: () => import('./commands/scale.js'), interruptible: true },
  restart: { summary: 'Restart units', load: () => import('./commands/restart.js'), interruptible: true },
  validate: { summary: 'Check compute.yaml and print every error', load: () => import('./commands/validate.js') },
  config: { summary: 'Print the resolved config (merged, interpolated)', load: () => import('./commands/config.js') },
  exec: { summary: 'Run a command in a unit\'s folder with its environment', load: () => import('./commands/exec.js') },
  events: { summary: 'Print the state changes of the units as they happen', load: () => import('./commands/events.js'), interruptible: true },
  sandbox: { summary: 'List (ls) or destroy the project\'s provider sandboxes', load: () => import('./commands/sandbox.js') },
  convert: { summary: 'Print a docker compose file, Procfile or process-compose.yaml as compute.yaml', load: () => import('./commands/convert.js') },
  daemon: { summary: 'Run the sandbox daemon in the foreground', load: () => import('./commands/daemon.js'), interruptible: true },
};

const USAGE = `Usage: compute <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`compute <command> --help\` for the options of a command.
`;

/** Runs the CLI with raw arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let parsed: ReturnType<typeof splitGlobalOptions>;
  try {
    parsed = splitGlobalOptions(argv);
  } catch (error) {
    return reportError(error, io);
  }
  // `compute help up` is `compute up --help`.
  const [name, rest] = parsed.name === 'help' && parsed.rest.length > 0 ? [parsed.rest[0], ['--help']] : [parsed.name, parsed.rest];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${await version()}\n`);
    return EXIT.ok;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr(`compute: ${unknownCommand(name, Object.keys(COMMANDS))}\n`);
    return EXIT.usage;
  }
  const controller = entry.interruptible && !io.signal ? interruptOnSigint() : undefined;
  try {
    const command = await entry.load();
    return await command.run([...parsed.globals, ...rest], controller ? { ...io, signal: controller.signal } : io);
  } catch (error) {
    return reportError(error, io);
  } finally {
    controller?.dispose();
  }
}

// The first Ctrl-C aborts the command's signal so it can stop gracefully; the second exits at once.
// SIGTERM does the same (issue 17: a foreground `up` that got SIGTERM left every unit running), as compose does.
function interruptOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
