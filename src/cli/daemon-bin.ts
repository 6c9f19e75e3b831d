// The entry of the daemon bundle (dist/compute-daemon.mjs): `node compute-daemon.mjs --root DIR [options]` is
// `compute daemon --root DIR [options]`, in one file that needs nothing but node beside it (the SDK starts the local
// daemon with it, and a remote sandbox gets this one file uploaded). The CLI bundle imports it for `compute daemon`.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run as runDaemon } from './commands/daemon.js';
import { processIO, type Command } from './io.js';
import { reportError } from './report-error.js';

/** `compute daemon`, reporting its own errors: the CLI bundle that calls it has error classes of its own. */
export const run: Command = (args, io) => runDaemon(args, io).catch((error: unknown) => reportError(error, io));

// Run as a program (not imported by the CLI bundle): the arguments are the daemon's own.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // No top-level await: the CLI bundle requires this module for `compute daemon`, and require() refuses one.
  void run(process.argv.slice(2), processIO()).then((code) => process.exit(code));
}
