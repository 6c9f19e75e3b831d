// The entry of the daemon bundles: `node compute-daemon.mjs --root DIR [options]` is `compute daemon --root DIR
// [options]`, in one file that needs nothing but node beside it (a remote sandbox gets it uploaded); the CommonJS
// bundle dist/compute-daemon.cjs is what the SDK starts here, through bin/compute-daemon.js and its code cache. The
// CLI bundle requires the latter for `compute daemon`.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run as runDaemon } from './commands/daemon.js';
import { processIO, type Command } from './io.js';
import { reportError } from './report-error.js';

/** `compute daemon`, reporting its own errors: the CLI bundle that calls it has error classes of its own. */
export const run: Command = (args, io) => runDaemon(args, io).catch((error: unknown) => reportError(error, io));

/** Runs the daemon as this process's program, with these arguments, and exits with its code. */
export function runAsProgram(args: string[]): void {
  void run(args, processIO()).then((code) => process.exit(code));
}

// Run as a program (`node compute-daemon.mjs ...`, not required by the CLI or bin/compute-daemon.js). No top-level
// await: the CLI bundle requires this module for `compute daemon`, and require() refuses one.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) runAsProgram(process.argv.slice(2));
