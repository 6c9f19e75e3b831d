// The package as a user's project gets it: `npm pack`, installed from the tarball into a fresh project, offline (its
// dependencies are copied in from this checkout's installed ones, as npm's cache would hold them), then `npx compute`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

// The installed production dependencies of this package (all of them, transitively), as paths under node_modules/.
function productionDependencies(): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((path) => path.includes('/node_modules/'))
    .map((path) => relative(join(REPO, 'node_modules'), path));
}

describe('the packed package', () => {
  it('installs from its tarball into a user project offline, and `npx compute validate` runs its CLI', () => {
    const base = tempDir();
    // --ignore-scripts: the tests' global setup has built dist/ already, and `prepare` would rebuild it under them.
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', base], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').at(-1) as string;
    const project = join(base, 'project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
    writeFileSync(join(project, 'compute.yaml'), 'name: demo\nservers:\n  web: { start: node server.js, port: 3000 }\n');
    for (const dependency of productionDependencies()) {
      cpSync(join(REPO, 'node_modules', dependency), join(project, 'node_modules', dependency), { recursive: true, dereference: true });
    }
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(base, tarball)], { cwd: project, stdio: 'pipe' });

    expect(execFileSync('npx', ['--offline', 'compute', 'validate'], { cwd: project, encoding: 'utf8' })).toBe('ok: 1 server, 0 services, 0 overlays\n');
    // The fastest way the README gives: the installed bin itself, without npx's resolution.
    const version = execFileSync(join(project, 'node_modules', '.bin', 'compute'), ['--version'], { cwd: project, encoding: 'utf8' });
    expect(version).toBe(`${(JSON.parse(execFileSync('npm', ['pkg', 'get', 'version'], { cwd: REPO, encoding: 'utf8' })) as string)}\n`);
  });
});
