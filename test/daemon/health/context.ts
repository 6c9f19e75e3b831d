// Test helper for health checks: a context with no output lines.
import type { HealthContext } from '../../../src/daemon/health/index.js';

/** The parts of a HealthContext that http and tcp checks do not use. */
export const noLines: Omit<HealthContext, 'port'> = { cwd: '/', env: {}, onLine: () => () => {} };
