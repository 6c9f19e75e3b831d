// Test helpers for health checks: a context with no output lines, and a port nothing listens on.
import { createServer } from 'node:net';
import type { HealthContext } from '../../../src/daemon/health/index.js';

/** The parts of a HealthContext that http and tcp checks do not use. */
export const noLines: Omit<HealthContext, 'port'> = { cwd: '/', env: {}, onLine: () => () => {} };

/** A port that was listened on a moment ago and is closed now (the OS picked it). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
