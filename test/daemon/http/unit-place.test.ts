// GET /v1/units/:name/place with the real daemon: where `compute exec` starts a command in a unit's place. The reply
// must be the unit's own environment (env_file read by the daemon, spec over it, PORT) without the unit markers.
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HASH_MARKER, PHASE_MARKER, SANDBOX_MARKER, UNIT_MARKER } from '../../../src/contract/markers.js';
import { startDaemon, type RunningDaemon } from '../../../src/daemon/main.js';
import { connect, SandboxApiError, type SandboxClient } from '../../../src/sdk/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const daemons: RunningDaemon[] = [];
const clients: SandboxClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const daemon of daemons.splice(0)) await daemon.close();
});

async function start(): Promise<{ root: string; sdk: SandboxClient }> {
  const base = tempDir('compute-place-');
  const root = join(base, 'root');
  mkdirSync(join(root, 'app'), { recursive: true });
  writeFileSync(join(root, 'app', '.env'), 'FROM_FILE=file\nSHARED=file\n');
  const daemon = await startDaemon({ root, stateDir: join(base, 'state') });
  daemons.push(daemon);
  const sdk = connect({ socketPath: daemon.socketPath });
  clients.push(sdk);
  return { root, sdk };
}

async function statusOf(error: Promise<unknown>): Promise<number | undefined> {
  return error.then(() => undefined, (caught: unknown) => (caught instanceof SandboxApiError ? caught.status : undefined));
}

describe('GET /v1/units/:name/place', () => {
  it("gives the unit's host folder and its process's environment, markers left out", async () => {
    const { root, sdk } = await start();
    await sdk.server.start({ slug: 'web', start: 'exec sleep 600', path: '/app', port: 41873, env_file: '.env', environment: { SHARED: 'spec', FROM_SPEC: 'spec' } });
    const running = await waitFor(async () => ((await sdk.unit('web'))?.status === 'running' ? await sdk.unit('web') : undefined), { what: 'web running' });

    const place = await sdk.unitPlace('web');
    expect(realpathSync(place.cwd)).toBe(realpathSync(join(root, 'app')));
    expect(place.env).toMatchObject({ FROM_FILE: 'file', SHARED: 'spec', FROM_SPEC: 'spec', PORT: String(running.port) });
    expect(place.env.PATH).toBe(process.env.PATH);
    for (const marker of [SANDBOX_MARKER, UNIT_MARKER, HASH_MARKER, PHASE_MARKER]) expect(place.env).not.toHaveProperty(marker);
    expect(place.uid).toBeUndefined();
  });

  it('answers 404 for an unknown unit and 409 when its folder is gone', async () => {
    const { root, sdk } = await start();
    expect(await statusOf(sdk.unitPlace('ghost'))).toBe(404);
    await sdk.server.start({ slug: 'web', start: 'exec sleep 600', path: '/app' });
    await waitFor(async () => (await sdk.unit('web'))?.status === 'running', { what: 'web running' });
    rmSync(join(root, 'app'), { recursive: true });
    expect(await statusOf(sdk.unitPlace('web'))).toBe(409);
  });
});
