// Ports for tests, picked at random and checked free, rather than fixed numbers.
import { createServer } from 'node:net';

// Below the kernel's ephemeral range (32768-60999 here): a port from that range can be taken at any moment as the
// source port of some outgoing connection (a health probe, a test's HTTP request), which made a unit's bind fail
// now and then in the full suite. Random picks from this range rarely meet another test's.
const LOW = 20_000;
const HIGH = 32_000;

/** A TCP port that was free a moment ago on every address, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // `::` with dual stack covers 0.0.0.0 and 127.0.0.1 too.
    server.listen({ port, host: '::', ipv6Only: false }, () => server.close(() => resolve(true)));
  });
}
