// A UnitSpec with the defaults config/ gives a server, for tests that need a spec and care about a few fields.
import type { UnitSpec } from '../../src/contract/unit.js';

/** A server `name` running `node NAME.js` in /app with config's defaults; `fields` override any of them. */
export function unitSpec(name: string, fields: Partial<UnitSpec> = {}): UnitSpec {
  return {
    name,
    kind: 'server',
    command: `node ${name}.js`,
    cwd: '/app',
    strictPort: false,
    env: {},
    restartPolicy: 'never',
    maxRestarts: 0,
    restartDelayMs: 1000,
    stopTimeoutMs: 10_000,
    needs: {},
    overlays: [],
    labels: {},
    hash: '',
    ...fields,
  };
}
