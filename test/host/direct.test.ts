// directCommand on this machine, from a place the daemon answered: the folder must be inside the project's root, and
// a daemon without the place route (an earlier compute, still running) means the command API instead.
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UnitState } from '../../src/contract/unit.js';
import type { UnitPlace } from '../../src/contract/wire.js';
import { directCommand, NoDirectWay } from '../../src/host/direct.js';
import { SandboxApiError, type SandboxClient } from '../../src/sdk/index.js';
import { tempDir } from '../helpers/tmp.js';

// Only the one call directCommand makes of the daemon's client; the daemon's side has its own test (unit-place).
function answering(place: UnitPlace | SandboxApiError): SandboxClient {
  const unitPlace = async () => {
    if (place instanceof SandboxApiError) throw place;
    return place;
  };
  return { unitPlace } as unknown as SandboxClient;
}

function local(): { root: string; target: Parameters<typeof directCommand>[0] } {
  const base = tempDir('compute-direct-');
  const root = join(base, 'root');
  mkdirSync(join(root, 'app'), { recursive: true });
  return { root, target: { projectDir: base, dir: join(base, '.compute'), stateDir: join(base, '.compute', 'state'), root } };
}

const unit = { name: 'web', spec: { cwd: '/app' } } as UnitState;

describe('directCommand (provider local)', () => {
  it('runs the command itself in the place the daemon gave, and refuses a folder outside the root', async () => {
    const { root, target } = local();
    const place = { cwd: realpathSync(join(root, 'app')), env: { PATH: '/bin', PORT: '3000' } };
    const direct = await directCommand(target, answering(place), unit, ['sh', '-c', 'true'], { terminal: false });
    expect(direct).toEqual({ file: 'sh', args: ['-c', 'true'], cwd: place.cwd, env: place.env });
    const outside = directCommand(target, answering({ cwd: '/etc', env: {} }), unit, ['true'], { terminal: false });
    await expect(outside).rejects.toThrow(/outside the sandbox root/);
  });

  it('falls back to the command API when the daemon has no place route, and passes other errors on', async () => {
    const { target } = local();
    const old = new SandboxApiError(404, 'no route for GET /v1/units/web/place', 'GET /v1/units/web/place');
    await expect(directCommand(target, answering(old), unit, ['true'], { terminal: true })).rejects.toBeInstanceOf(NoDirectWay);
    const gone = new SandboxApiError(409, 'unit web: working directory /app does not exist in the sandbox', 'GET /v1/units/web/place');
    await expect(directCommand(target, answering(gone), unit, ['true'], { terminal: true })).rejects.toBe(gone);
  });
});
