// Profiles and composition with the built CLI, spawned as a user would: `up -d --profile` starts a profile's units
// and `up -d` alone does not (nor does it stop them once started), COMPUTE_PROFILES, the needed unit that `plan`
// explains, compute.override.yaml merged and watched, `include:` read, checked and watched, and `extends`.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UnitState } from '../../src/contract/unit.js';
import { isAlive } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';
import { projectClient, runCli, spawnCli, writeProject } from './project-harness.js';

const FOREVER = 'args: [-e, "setInterval(() => {}, 1000)"]';

const PROJECT = `name: profiled
services:
  app: { cmd: node, ${FOREVER} }
  db: { cmd: node, ${FOREVER}, profiles: [data] }
  debugger: { cmd: node, ${FOREVER}, profiles: [debug], needs: [db] }
  seed: { cmd: node, ${FOREVER}, profiles: [tools] }
`;

async function unitsOf(dir: string): Promise<Record<string, UnitState>> {
  const client = await projectClient(dir);
  try {
    return Object.fromEntries((await client.units()).map((unit) => [unit.name, unit]));
  } finally {
    await client.close();
  }
}

const statuses = (units: Record<string, UnitState>) => Object.fromEntries(Object.entries(units).map(([name, unit]) => [name, unit.status]));

describe('profiles', () => {
  it('up -d starts the units without profiles only; --profile adds a profile and what it needs; a later up -d leaves them; down removes all', async () => {
    const dir = writeProject(PROJECT);
    const plain = await runCli(dir, ['up', '-d']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(statuses(await unitsOf(dir))).toEqual({ app: 'ready' });

    const debug = await runCli(dir, ['up', '-d', '--profile', 'debug']);
    expect(debug.code, debug.stderr).toBe(0);
    const started = await unitsOf(dir);
    expect(statuses(started)).toEqual({ app: 'ready', db: 'ready', debugger: 'ready' });

    // As compose: `up` without the profile neither creates its units nor removes or stops those that run.
    const plan = await runCli(dir, ['plan']);
    expect(plan.stdout).toBe('No changes: 1 unit up to date.\n');
    const again = await runCli(dir, ['up', '-d']);
    expect(again.code, again.stderr).toBe(0);
    const after = await unitsOf(dir);
    expect(statuses(after)).toEqual({ app: 'ready', db: 'ready', debugger: 'ready' });
    expect(after.debugger?.pid).toBe(started.debugger?.pid);

    const down = await runCli(dir, ['down']);
    expect(down.code, down.stderr).toBe(0);
    for (const unit of Object.values(started)) expect(isAlive(unit.pid ?? 0), unit.name).toBe(false);
  });

  it('COMPUTE_PROFILES names the profiles too (comma-separated), merged with --profile', async () => {
    const dir = writeProject(PROJECT);
    const up = await runCli(dir, ['up', '-d', '--profile', 'tools'], { COMPUTE_PROFILES: 'data,debug' });
    expect(up.code, up.stderr).toBe(0);
    expect(statuses(await unitsOf(dir))).toEqual({ app: 'ready', db: 'ready', debugger: 'ready', seed: 'ready' });
  });

  it('plan says why a unit of an inactive profile is created, from --profile before the command too', async () => {
    const dir = writeProject(PROJECT);
    const plan = await runCli(dir, ['--profile', 'debug', 'plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toBe(
      [
        '+ app       create',
        '+ db        create (needed by debugger, profile data not active)',
        '+ debugger  create',
        'Plan: 3 to create.',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await runCli(dir, ['plan', '--json', '--profile', 'debug'])).stdout) as { units: Array<{ name: string; cause?: unknown }> };
    expect(json.units.find((unit) => unit.name === 'db')?.cause).toEqual({ kind: 'needed_by', by: ['debugger'], profiles: ['data'] });
  });

  it('a unit named on the command line activates its profiles, as in compose', async () => {
    const dir = writeProject(PROJECT);
    const plan = await runCli(dir, ['plan', 'seed']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toBe('+ seed  create\nPlan: 1 to create.\n');
  });

  it('an unknown profile is a warning (with the closest name), and the rest goes on', async () => {
    const dir = writeProject(PROJECT);
    const plan = await runCli(dir, ['plan', '--profile', 'debgu']);
    expect(plan).toMatchObject({ code: 0, stderr: 'compute: warning: no unit has profile "debgu"; did you mean "debug"?\n' });
    expect(plan.stdout).toBe('+ app  create\nPlan: 1 to create.\n');
  });

  it('a profile name that is not a slug in the file is exit 2 with file:line:col', async () => {
    const dir = writeProject('services:\n  app: { cmd: node, profiles: ["no way"] }\n');
    const up = await runCli(dir, ['up', '-d']);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('compute.yaml:2:32: services.app.profiles[0]: "no way" is not a URL-safe name');
  });
});

describe('compute.override.yaml', () => {
  it('is merged by plan and up, and under up --watch its creation is applied', async () => {
    const dir = writeProject(`name: overridden\nservices:\n  app: { cmd: node, ${FOREVER} }\n`);
    writeFileSync(join(dir, 'compute.override.yaml'), `services:\n  extra: { cmd: node, ${FOREVER} }\n`);
    const plan = await runCli(dir, ['plan']);
    expect(plan.stdout).toBe('+ app    create\n+ extra  create\nPlan: 2 to create.\n');
    renameSync(join(dir, 'compute.override.yaml'), join(dir, 'later.yaml'));

    const cli = spawnCli(dir, ['up', '--watch', '-d']);
    await waitFor(() => cli.stderr().includes('watching'), { what: 'the watch to begin', timeoutMs: 30_000 });
    expect(Object.keys(await unitsOf(dir))).toEqual(['app']);
    renameSync(join(dir, 'later.yaml'), join(dir, 'compute.override.yaml'));
    await waitFor(async () => (await unitsOf(dir)).extra?.status === 'ready', { what: 'extra, from the new override file, to be ready' });
    expect(cli.stderr()).toContain('change detected in');
    cli.child.kill('SIGINT');
    await cli.exited;
  });
});

describe('include', () => {
  it('plan and up read the included file; its errors are its own file:line:col (exit 2); up --watch follows its saves', async () => {
    const dir = writeProject(`name: including\ninclude: [lib/more.yaml]\nservices:\n  app: { cmd: node, ${FOREVER}, needs: [db] }\n`);
    mkdirSync(join(dir, 'lib'));
    const more = join(dir, 'lib', 'more.yaml');
    const save = (text: string) => {
      writeFileSync(`${more}.tmp`, text);
      renameSync(`${more}.tmp`, more);
    };
    save('services:\n  db:\n    cmd: node\n    port: 1\n');
    const bad = await runCli(dir, ['up', '-d']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('lib/more.yaml:4:5: unknown key `port` in services.db');
    expect(await runCli(dir, ['ps', '--json'])).toMatchObject({ code: 0 });

    save(`services:\n  db: { cmd: node, ${FOREVER} }\n`);
    expect((await runCli(dir, ['plan'])).stdout).toBe('+ db   create\n+ app  create\nPlan: 2 to create.\n');
    const cli = spawnCli(dir, ['up', '--watch', '-d']);
    await waitFor(async () => cli.stderr().includes('watching') && (await unitsOf(dir)).app?.status === 'ready', { what: 'the watch to begin', timeoutMs: 30_000 });
    save(`services:\n  db: { cmd: node, ${FOREVER} }\n  cache: { cmd: node, ${FOREVER} }\n`);
    await waitFor(async () => (await unitsOf(dir)).cache?.status === 'ready', { what: 'cache, saved into the included file, to be ready' });
    cli.child.kill('SIGINT');
    await cli.exited;
  });
});

describe('extends', () => {
  it('up -d builds the unit from its base in another file; a missing base is exit 2 at file:line:col', async () => {
    const dir = writeProject(`name: extending\nservices:\n  worker:\n    extends: { unit: forever, file: lib/base.yaml }\n    env: { ROLE: worker }\n`);
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'base.yaml'), `services:\n  forevr: { cmd: node, ${FOREVER} }\n`);
    const bad = await runCli(dir, ['up', '-d']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('compute.yaml:4:22: extends: no service `forever` in lib/base.yaml; did you mean `forevr`?');
    writeFileSync(join(dir, 'lib', 'base.yaml'), `services:\n  forever: { cmd: node, ${FOREVER}, env: { FROM: base } }\n`);
    const up = await runCli(dir, ['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const worker = (await unitsOf(dir)).worker;
    expect(worker?.status).toBe('ready');
    expect(worker?.spec.env).toMatchObject({ FROM: 'base', ROLE: 'worker' });
  });
});
