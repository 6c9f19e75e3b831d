// Where the daemon's files are, apart from the code that spawns it (which loads node:child_process): the agent of a
// remote sandbox reads the bundle too.
import { fileURLToPath } from 'node:url';
import { packageFile } from '../contract/package-files.js';

/** The daemon bundle that `npm run build` writes: one file that needs nothing but node, given to remote sandboxes. */
export const DAEMON_BUNDLE = fileURLToPath(packageFile('dist/compute-daemon.mjs'));

/** The local daemon's program: the CommonJS daemon bundle run with its code cache (~80 ms less to its first answer). */
export const LOCAL_DAEMON = fileURLToPath(packageFile('bin/compute-daemon.js'));
