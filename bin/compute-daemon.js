#!/usr/bin/env node
// The local sandbox daemon as the SDK starts it (`node bin/compute-daemon.js --root DIR --state DIR`): the daemon
// bundle for this machine (dist/compute-daemon.cjs) with its code cache, the same as `compute daemon`. A remote
// sandbox is given dist/compute-daemon.mjs instead: one file that needs nothing but node beside it.
const { loadBundle } = require('./load-bundle.js');

loadBundle('compute-daemon').exports.runAsProgram(process.argv.slice(2));
