// Every example under examples/ works as its README says: `compute up -d` in a temp copy, every unit ready (or
// completed), a real request through each server's URL, `compute down`, and no process left.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/wait.js';
import { BIN, byName, compute, copyExample, daemonPid, REPO, expectNoProcessLeft, get, ps, run, start, succeeds, type PsRow } from './harness.js';

// Brings the example up with `up -d`, checks every unit settled as expected, and returns the rows and pids.
async function upDetached(dir: string, env: Record<string, string>, expected: Record<string, string>, timeoutMs = 120_000) {
  const up = await succeeds(compute(dir, ['up', '-d', '--timeout', String(timeoutMs)], env, timeoutMs + 30_000), 'compute up -d');
  const rows = byName(await ps(dir));
  expect(Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, row.status]))).toEqual(expected);
  const pids = Object.values(rows).flatMap((row) => (row.pid ? [row.pid] : []));
  const daemon = daemonPid(join(dir, '.compute', 'state'));
  expect(daemon, 'the daemon wrote its pid').toBeGreaterThan(0);
  return { up, rows, pids: [...pids, daemon as number] };
}

// `compute down`, then every process the project had is gone.
async function downAndGone(dir: string, pids: number[]): Promise<void> {
  const down = await succeeds(compute(dir, ['down']), 'compute down');
  expect(down.stdout).toContain('removed:');
  await expectNoProcessLeft(dir, pids);
}

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

// One RESP command on a fresh connection, as an inline command; resolves with the raw reply.
function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(`${command}\r\n`));
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      if (/\r\n$/.test(reply) && !/^\$\d+\r\n$/.test(reply)) socket.end(() => resolve(reply));
    });
    socket.setTimeout(5000, () => socket.destroy(new Error(`redis did not answer ${command}`)));
    socket.on('error', reject);
  });
}

function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasRedis = onPath('redis-server');
const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
if (!hasRedis && !inCI) {
  console.warn('skipping the web-redis example: redis-server is not installed (sudo apt-get install redis-server); under CI=true this fails');
}

describe('examples', () => {
  it('quickstart: the API is ready at the printed URL and the worker posts jobs to it', { timeout: 180_000 }, async () => {
    const dir = copyExample('quickstart');
    const port = await freePort();
    const env = { API_PORT: String(port) };
    const { up, rows, pids } = await upDetached(dir, env, { api: 'ready', worker: 'ready' });
    expect(up.stdout).toContain(`http://localhost:${port}`);
    expect(rows.api).toMatchObject({ healthy: true, port, url: `http://localhost:${port}` });

    const url = rows.api?.url as string;
    expect(json((await get(`${url}/health`)).body)).toEqual({ status: 'ok' });
    // The worker needs the API and posts a job every second: the API's count grows.
    const jobs = await waitFor(
      async () => {
        const reply = await get(url);
        const count = Number(json(reply.body).jobs);
        return reply.status === 200 && count > 0 ? count : undefined;
      },
      { what: 'jobs posted by the worker', timeoutMs: 30_000 },
    );
    expect(jobs).toBeGreaterThan(0);
    await downAndGone(dir, pids);
  });

  it.skipIf(!hasRedis && !inCI)('web-redis: the API counts visits in Redis after the one-shot migration completed', { timeout: 180_000 }, async () => {
    if (!hasRedis) throw new Error('redis-server is not on PATH: install it (apt-get install redis-server; .ci/run does this in CI)');
    const dir = copyExample('web-redis');
    const [redisPort, apiPort] = [await freePort(), await freePort()];
    const env = { REDIS_PORT: String(redisPort), API_PORT: String(apiPort) };
    const { rows, pids } = await upDetached(dir, env, { redis: 'ready', migrate: 'completed', api: 'ready' });
    expect(rows.migrate).toMatchObject({ exit_code: 0, pid: null });
    expect(rows.redis).toMatchObject({ healthy: true, port: redisPort });

    const url = rows.api?.url as string;
    expect(url).toBe(`http://localhost:${apiPort}`);
    const first = Number(json((await get(url)).body).visits);
    const second = Number(json((await get(url)).body).visits);
    expect(second).toBe(first + 1);
    // The count is Redis's own: read it over the protocol, past the API.
    expect(await redisCommand(redisPort, 'GET visits')).toBe(`$${String(second).length}\r\n${second}\r\n`);
    expect(await redisCommand(redisPort, 'GET schema_version')).toBe('$1\r\n1\r\n');
    await downAndGone(dir, pids);
  });

  it('scaffold: the template is installed from npm and served, and up --watch applies an edit of compute.yaml', { timeout: 420_000 }, async () => {
    const dir = copyExample('scaffold');
    const port = await freePort();
    const env = { DEV_PORT: String(port), APP_NAME: 'e2e-app' };
    // npm install reaches the registry: a generous timeout.
    const { rows, pids } = await upDetached(dir, env, { dev: 'ready' }, 240_000);
    expect(existsSync(join(dir, '.compute', 'root', 'app', 'node_modules', 'escape-html', 'package.json'))).toBe(true);
    const url = rows.dev?.url as string;
    expect(url).toBe(`http://localhost:${port}`);
    const page = await get(`${url}/?name=<b>you</b>`);
    // escape-html, the template's npm dependency, escaped the name.
    expect(page).toEqual({ status: 200, body: '<!doctype html><title>e2e-app</title><h1>Hello, &lt;b&gt;you&lt;/b&gt;!</h1>\n' });

    const watch = start(process.execPath, [BIN, 'up', '-d', '--watch'], { cwd: dir, env });
    await waitFor(() => watch.stderr().includes('watching'), { what: 'up --watch to begin watching', timeoutMs: 60_000 });
    const file = join(dir, 'compute.yaml');
    // As editors save: a temp file renamed over the original.
    writeFileSync(`${file}.tmp`, readFileSync(file, 'utf8').replace('GREETING: Hello', 'GREETING: Bonjour'));
    renameSync(`${file}.tmp`, file);
    await waitFor(async () => (await get(url).catch(() => undefined))?.body.includes('Bonjour, world!'), {
      what: 'the edited greeting served',
      timeoutMs: 120_000,
    });
    await waitFor(() => watch.stdout().includes('replace'), { what: 'the re-apply outcome' });
    const replaced = byName(await ps(dir)).dev as PsRow;
    expect(replaced.status).toBe('ready');
    expect(replaced.pid).not.toBe(rows.dev?.pid);
    watch.kill('SIGINT');
    expect((await watch.exited).code).toBe(130);
    await downAndGone(dir, [...pids, replaced.pid as number]);
  });

  it('gitops: ci/apply.sh applies, ci/drift.sh reports 0 in sync and 3 on drift, a new release is applied', { timeout: 180_000 }, async () => {
    const dir = copyExample('gitops');
    const port = await freePort();
    const sh = (script: string, release: string) =>
      run('bash', [join(dir, 'ci', script)], { cwd: dir, env: { COMPUTE: `${process.execPath} ${BIN}`, RELEASE: release, SITE_PORT: String(port) }, timeoutMs: 120_000 });

    const apply = await succeeds(sh('apply.sh', 'r1'), 'ci/apply.sh');
    expect(apply.stdout).toMatch(/--- validate[\s\S]*--- plan[\s\S]*--- apply[\s\S]*No changes/);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { units: { name: string; action: string }[] };
    expect(plan.units).toEqual([{ name: 'site', kind: 'server', action: 'create' }]);
    const first = byName(await ps(dir)).site as PsRow;
    expect(first).toMatchObject({ status: 'ready', healthy: true, url: `http://localhost:${port}` });
    expect(json((await get(first.url as string)).body)).toEqual({ app: 'site', release: 'r1' });

    const inSync = await sh('drift.sh', 'r1');
    expect(inSync.code).toBe(0);
    expect(inSync.stdout).toContain('in sync');
    const drift = await sh('drift.sh', 'r2');
    expect(drift.code).toBe(3);
    expect(drift.stdout).toMatch(/~ site +replace \(environment\.RELEASE\)/);

    await succeeds(sh('apply.sh', 'r2'), 'ci/apply.sh of r2');
    const second = byName(await ps(dir)).site as PsRow;
    expect(second.pid).not.toBe(first.pid);
    expect(json((await get(second.url as string)).body)).toEqual({ app: 'site', release: 'r2' });
    expect((await sh('drift.sh', 'r2')).code).toBe(0);
    await downAndGone(dir, [first.pid as number, second.pid as number, daemonPid(join(dir, '.compute', 'state')) as number]);
  });

  it('gitops: the sample workflow is valid YAML and runs the example\'s scripts and compute commands', () => {
    const workflow = parse(readFileSync(join(REPO, 'examples', 'gitops', '.github', 'workflows', 'compute.yml'), 'utf8')) as {
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run] : [])));
    const scripts = runs.flatMap((line) => [...line.matchAll(/examples\/gitops\/ci\/[\w.-]+/g)].map((match) => match[0]));
    expect(new Set(scripts)).toEqual(new Set(['examples/gitops/ci/apply.sh', 'examples/gitops/ci/drift.sh']));
    for (const script of scripts) expect(existsSync(join(REPO, script)), script).toBe(true);
    expect(runs).toContain('npx compute validate -f examples/gitops/compute.yaml');
  });
});
