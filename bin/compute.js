#!/usr/bin/env node
// The `compute` command: runs the CLI bundle (dist/compute.cjs, built by `npm run build`, which `npm ci` runs on
// prepare) with its code cache; it parses arguments, runs the command and exits with its code. CommonJS (see
// bin/package.json): the ES module loader is never set up for a command that does not need it.
const { loadBundle } = require('./load-bundle.js');

const { main } = loadBundle('compute').exports;
// stdout and stderr are synchronous for files, pipes and terminals on Linux, so nothing is lost by exiting here;
// exiting stops idle keep-alive sockets from holding the process open.
main(process.argv.slice(2)).then((code) => process.exit(code));
