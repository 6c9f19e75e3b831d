// The entry of the CLI bundle (dist/compute.mjs, which bin/compute.js loads): runs the command line and exits.
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// stdout and stderr are synchronous for files, pipes and terminals on Linux, so nothing is lost by exiting here;
// exiting stops idle keep-alive sockets from holding the process open.
process.exit(code);
