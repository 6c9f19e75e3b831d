// Where the daemon bundle is, apart from the code that spawns it (which loads node:child_process): a remote sandbox's
// agent reads this file too.
import { fileURLToPath } from 'node:url';
import { packageFile } from '../contract/package-files.js';

/** The daemon bundle that `npm run build` writes: one file, the same that a remote sandbox is given. */
export const DAEMON_BUNDLE = fileURLToPath(packageFile('dist/compute-daemon.mjs'));
