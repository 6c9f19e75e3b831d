// A log store in a process of its own, so that a test can SIGKILL it in the middle of ingestion like a crashed daemon.
// Usage: node store-host.mjs DIR UNIT MAX_BYTES PROGRAM ARGS...
// Spawns PROGRAM with the unit's spools as its stdout and stderr (it outlives this process), prints `pid N`, stays up.
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { LogStore } from '../../../dist/daemon/logs/index.js';

const [dir, unit, maxBytes, program, ...args] = process.argv.slice(2);
const store = new LogStore({ dir, maxBytes: Number(maxBytes) });
const spool = await store.openSpool(unit);
const child = spawn(program, args, { stdio: ['ignore', spool.stdout, spool.stderr], detached: true });
closeSync(spool.stdout);
closeSync(spool.stderr);
child.unref();
process.stdout.write(`pid ${child.pid}\n`);
setInterval(() => {}, 60_000);
