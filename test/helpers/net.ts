// Ports for tests, taken from the OS rather than fixed numbers.
import { createServer } from 'node:net';

/** A TCP port that was free a moment ago (the OS picked it for a listener that is closed again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
