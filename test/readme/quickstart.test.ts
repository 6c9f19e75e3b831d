// The README's quickstart, run literally in a fresh clone of the repository: its first command installs, builds
// and brings the quickstart up; the stack is then ready, answers at its URL, and goes away with `down`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { byName, daemonPid, expectNoProcessLeft, get, run, succeeds, watchProject, type PsRow } from '../e2e/harness.js';
import { quickstartCommands, readme, REPO } from './markdown.js';

describe('README quickstart', () => {
  // The clone is of HEAD, as a newcomer gets it: commit a change to the repository before this test can see it
  // (the commands themselves are read from the working tree's README). npm ci takes its packages from the npm cache.
  it('brings the quickstart up from a fresh clone with the README\'s first command', { timeout: 420_000 }, async () => {
    const [install] = quickstartCommands(readme());
    expect(install).toBeDefined();
    const copy = join(tempDir('compute-readme-'), 'compute');
    execFileSync('git', ['clone', '--quiet', REPO, copy], { stdio: 'pipe' });
    const file = 'examples/quickstart/compute.yaml';
    watchProject(copy, file);
    const port = await freePort();
    // The quickstart reads ${API_PORT:-3000}: a port from the OS, so the test cannot clash with anything on 3000.
    const env = { API_PORT: String(port) };

    const up = await succeeds(run('sh', ['-c', install as string], { cwd: copy, env, timeoutMs: 300_000 }), install as string);
    expect(up.stdout).toContain(`http://localhost:${port}`);
    expect(up.stdout).toContain('all units are up');

    // From here on, the clone's own compute: the one the first command built.
    const own = (args: string[]) => succeeds(run(process.execPath, [join(copy, 'bin', 'compute.js'), ...args, '-f', file], { cwd: copy, env }), `compute ${args[0]}`);
    const rows = byName(JSON.parse((await own(['ps', '--json'])).stdout) as PsRow[]);
    expect(rows.api).toMatchObject({ status: 'ready', healthy: true, url: `http://localhost:${port}` });
    expect(rows.worker?.status).toBe('ready');
    expect((await get(rows.api?.url as string)).status).toBe(200);

    const daemon = daemonPid(join(copy, 'examples', 'quickstart', '.compute', 'state'));
    await own(['down']);
    await expectNoProcessLeft(copy, [rows.api?.pid as number, rows.worker?.pid as number, daemon as number]);
  });
});
