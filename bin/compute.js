#!/usr/bin/env node
// The `compute` command: runs the built CLI (dist/ is produced by `npm run build`, which `npm ci` runs on prepare).
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
// stdout and stderr are synchronous for files, pipes and terminals on Linux, so nothing is lost by exiting here;
// exiting stops idle keep-alive sockets from holding the process open.
process.exit(code);
