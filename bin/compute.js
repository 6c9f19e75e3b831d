#!/usr/bin/env node
// The `compute` command: runs the CLI bundle (dist/compute.mjs, built by `npm run build`, which `npm ci` runs on
// prepare); it parses arguments, runs the command and exits with its code.
import '../dist/compute.mjs';
