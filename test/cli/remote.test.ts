// `sandbox.provider: bwrap` end to end: the built CLI, spawned as a user runs it, puts compute's agent into a real
// bubblewrap sandbox through the same host code every ComputeSDK 4.x provider goes through, then up, ps, down and
// down --destroy act on it. Each test's sandboxes live under their own root and are destroyed after it.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { leftovers, native, pidNamespaceOf, skipBwrap, useBwrap } from '../providers/bwrap-harness.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { runCli, runCliUnderTerminal, spawnCli, writeProject } from './project-harness.js';

const BWRAP_PROVIDER = fileURLToPath(new URL('../../dist/providers/bwrap/index.js', import.meta.url));
const QUICKSTART = fileURLToPath(new URL('../../examples/quickstart/', import.meta.url));
const WEB_REDIS = fileURLToPath(new URL('../../examples/web-redis/', import.meta.url));
const E2B_LIKE = fileURLToPath(new URL('../fixtures/procs/e2b-like-provider.mjs', import.meta.url));

const SERVER = `servers:
  web:
    start: node -e "require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname())).listen(process.env.PORT, () => console.log('listening'))"
    port: 3000
`;

const bw = useBwrap();

function project(sandbox: string, units = SERVER): { dir: string; compute: (...args: string[]) => ReturnType<typeof runCli> } {
  const dir = writeProject(`name: remote\nsandbox: ${sandbox}\n${units}`);
  return { dir, compute: (...args) => runCli(dir, args, { COMPUTE_BWRAP_ROOT: bw.root }) };
}

function recorded(dir: string): { id: string; agent?: { sha256: string } }[] {
  return (JSON.parse(readFileSync(join(dir, '.compute', 'state', 'sandbox.json'), 'utf8')) as { sandboxes: { id: string }[] }).sandboxes;
}

async function urlOf(compute: (...args: string[]) => ReturnType<typeof runCli>): Promise<string> {
  const ps = await compute('ps', '--json');
  expect(ps.code).toBe(0);
  return (JSON.parse(ps.stdout) as { url: string }[])[0]?.url as string;
}

async function reply(url: string): Promise<string> {
  return waitFor(async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).text(), { what: `${url} to answer` });
}

describe.skipIf(skipBwrap)('sandbox.provider: bwrap', () => {
  it('up -d puts the agent into a new sandbox; up again, down and up find the same one; down --destroy leaves nothing', async () => {
    const { dir, compute } = project('{ provider: bwrap }');
    const first = await compute('up', '-d');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/web\s+create\s+ready/);
    expect(first.stderr).toMatch(/^compute: created sandbox bw-[0-9a-f]{16} \(provider bwrap\)$/m);
    expect(first.stderr).toMatch(/^compute: uploaded the agent \(\d+ KiB\) into sandbox bw-/m);
    const [entry] = recorded(dir);
    expect(entry?.id).toMatch(/^bw-/);
    for (const file of ['sandbox.json', 'agent.token']) expect(statMode(join(dir, '.compute', 'state', file))).toBe(0o600);
    expect(first.stdout + first.stderr).not.toContain(readFileSync(join(dir, '.compute', 'state', 'agent.token'), 'utf8').trim());

    // The URL ps shows is the provider's (getUrl), reached from the host; the server runs inside the sandbox.
    const url = await urlOf(compute);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await reply(url)).toBe(`hello from ${entry?.id}`);
    const ps = await compute('ps');
    expect(ps.stdout).toMatch(/web\s+server\s+ready/);
    // The other commands take the same client: logs, exec (inside the sandbox: its own hostname), restart.
    expect((await compute('logs', 'web')).stdout).toContain('web | listening');
    const exec = await compute('exec', 'web', '--', 'sh', '-c', 'hostname; echo $PORT');
    expect(exec).toMatchObject({ code: 0, stdout: `${entry?.id}\n3000\n` });
    // With a terminal, the command gets it inside the sandbox too (through nsenter), and its exit code comes back.
    const tty = await runCliUnderTerminal(dir, ['exec', 'web', '--', 'sh', '-c', 'test -t 0 && echo "tty in $(hostname)"; exit 4'], { COMPUTE_BWRAP_ROOT: bw.root });
    expect(tty.output).toContain(`tty in ${entry?.id}`);
    expect(tty.code).toBe(4);
    // Piped input reaches it in there, in the unit's folder (the root's /), without the unit markers; -T is accepted.
    const probe = 'tr a-z A-Z; pwd; echo "$PORT"; env | grep -c "^COMPUTE_" || true';
    const piped = await spawnCli(dir, ['exec', '-T', 'web', '--', 'sh', '-c', probe], { COMPUTE_BWRAP_ROOT: bw.root }, 'in the sandbox\n').exited;
    expect(piped).toMatchObject({ code: 0, stdout: 'IN THE SANDBOX\n/\n3000\n0\n', stderr: '' });
    const restart = await compute('restart', 'web');
    expect(restart.code, restart.stderr).toBe(0);
    expect(await reply(await urlOf(compute))).toBe(`hello from ${entry?.id}`);

    const again = await compute('up', '-d');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/web\s+unchanged\s+ready/);
    expect(again.stderr).not.toMatch(/created|uploaded/);
    expect(recorded(dir)).toEqual([entry]);

    const down = await compute('down');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('removed: web');
    expect(down.stdout).toContain('the bwrap sandbox keeps running');
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/web\s+create\s+ready/);
    expect(up.stderr).not.toMatch(/created|uploaded/);
    expect(recorded(dir)).toEqual([entry]);

    const sandbox = await bw.sdk.sandbox.getById(entry?.id as string);
    const instance = native(sandbox as object);
    const ns = pidNamespaceOf(instance.record.init.pid);
    const destroy = await compute('down', '--destroy');
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toContain(`destroyed sandbox ${entry?.id}`);
    expect(recorded(dir)).toEqual([]);
    expect(leftovers(instance, ns)).toEqual([]);
    expect(await bw.sdk.sandbox.getById(entry?.id as string)).toBeNull();
  });

  it('sandbox ls lists the recorded sandbox with its agent URL and units, gone once destroyed behind its back; sandbox destroy ends it', async () => {
    const { dir, compute } = project('{ provider: bwrap, name: preview }');
    const empty = await compute('sandbox', 'ls', '--json');
    expect(empty).toMatchObject({ code: 0, stdout: '[]\n' });
    expect((await compute('up', '-d')).code).toBe(0);
    const [entry] = recorded(dir);
    const ls = await compute('sandbox', 'ls', '--json');
    expect(ls.code, ls.stderr).toBe(0);
    const [row] = JSON.parse(ls.stdout) as { id: string; provider: string; name: string; status: string; url: string; units: number; age_ms: number }[];
    expect(row).toMatchObject({ provider: 'bwrap', id: entry?.id, name: 'preview', status: 'running', units: 1 });
    expect(row?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(row?.age_ms).toBeGreaterThanOrEqual(0);
    const table = await compute('sandbox', 'ls');
    expect(table.stdout).toMatch(new RegExp(`^PROVIDER\\s+ID\\s+NAME\\s+STATUS\\s+URL\\s+AGE\\s+UNITS\\nbwrap\\s+${entry?.id}\\s+preview\\s+running\\s+http://127\\.0\\.0\\.1:\\d+\\s+\\d+s\\s+1\\n$`));

    const sandbox = await bw.sdk.sandbox.getById(entry?.id as string);
    const instance = native(sandbox as object);
    const ns = pidNamespaceOf(instance.record.init.pid);
    const destroy = await compute('sandbox', 'destroy');
    expect(destroy).toMatchObject({ code: 0, stdout: `destroyed sandbox ${entry?.id}\n` });
    expect(recorded(dir)).toEqual([]);
    expect(leftovers(instance, ns)).toEqual([]);
    expect(await compute('sandbox', 'destroy')).toMatchObject({ code: 0, stdout: 'no sandbox to destroy\n' });

    // A sandbox destroyed behind compute's back is listed as gone.
    expect((await compute('up', '-d')).code).toBe(0);
    const [second] = recorded(dir);
    await bw.sdk.sandbox.destroy(second?.id as string);
    const gone = JSON.parse((await compute('sandbox', 'ls', '--json')).stdout) as { id: string; status: string; url: string | null; units: number | null }[];
    expect(gone).toEqual([expect.objectContaining({ id: second?.id, status: 'gone', url: null, units: null })]);
    expect(await compute('sandbox', 'list')).toMatchObject({ code: 2, stderr: 'compute: usage: compute sandbox ls|destroy (got "list")\n' });
  });

  it('runs the quickstart example with a one-line override file: overlay, health check, needs', async () => {
    const dir = tempDir('compute-remote-quickstart-');
    cpSync(QUICKSTART, join(dir, 'quickstart'), { recursive: true });
    writeFileSync(join(dir, 'bwrap.yaml'), 'sandbox: { provider: bwrap }\n');
    const compute = (...args: string[]) => runCli(dir, ['-f', 'quickstart/compute.yaml', '-f', 'bwrap.yaml', ...args], { COMPUTE_BWRAP_ROOT: bw.root });
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/api\s+create\s+ready/);
    const ps = JSON.parse((await compute('ps', '--json')).stdout) as { name: string; url?: string; healthy: boolean | null }[];
    const api = ps.find((unit) => unit.name === 'api');
    expect(api?.healthy).toBe(true);
    expect(JSON.parse(await reply(`${api?.url}/health`))).toEqual({ status: 'ok' });
    await waitFor(async () => (await compute('logs', 'worker')).stdout.includes('accepted'), { what: 'the worker to reach the api' });
    const down = await compute('down', '--destroy');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/destroyed sandbox bw-/);
  });

  it('runs the web-redis example in a sandbox: a real Redis inside, a one-shot migration, the api counting visits', async () => {
    const dir = tempDir('compute-remote-web-redis-');
    cpSync(WEB_REDIS, join(dir, 'web-redis'), { recursive: true });
    writeFileSync(join(dir, 'bwrap.yaml'), 'sandbox: { provider: bwrap }\n');
    const compute = (...args: string[]) => runCli(dir, ['-f', 'web-redis/compute.yaml', '-f', 'bwrap.yaml', ...args], { COMPUTE_BWRAP_ROOT: bw.root });
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/migrate\s+create\s+completed/);
    const ps = JSON.parse((await compute('ps', '--json')).stdout) as { name: string; url?: string }[];
    const api = ps.find((unit) => unit.name === 'api')?.url as string;
    const first = (JSON.parse(await reply(`${api}/`)) as { visits: number }).visits;
    expect((JSON.parse(await reply(`${api}/`)) as { visits: number }).visits).toBe(first + 1);
    // The Redis it counts in runs inside the sandbox, where exec finds it.
    expect((await compute('exec', 'redis', '--', 'redis-cli', '-p', '6390', 'ping')).stdout.trim()).toBe('PONG');
    const down = await compute('down', '--destroy');
    expect(down.code, down.stderr).toBe(0);
  });

  it('the forwarder cut mid-apply: up exits 1 with one line; the next up starts a new forwarder and converges', async () => {
    // The server listens only after 2 s: the cut comes while up waits for it to be ready.
    const slow = `servers:\n  web:\n    start: node -e "setTimeout(() => require('http').createServer((q, s) => s.end('late')).listen(process.env.PORT), 2000)"\n    port: 3000\n    health_check: { path: /, interval_ms: 100 }\n`;
    const { dir, compute } = project('{ provider: bwrap }', slow);
    const up = spawnCli(dir, ['up', '-d'], { COMPUTE_BWRAP_ROOT: bw.root });
    await waitFor(() => /web\s+(starting|running)/.test(up.stdout() + up.stderr()), { what: 'web to be starting', timeoutMs: 30_000 });
    const [entry] = recorded(dir);
    const forwarder = native((await bw.sdk.sandbox.getById(entry?.id as string)) as object).record.forwarder.pid;
    process.kill(forwarder, 'SIGKILL');
    const cut = await up.exited;
    expect(cut.code).toBe(1);
    const lines = cut.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^compute: .*(cannot reach the sandbox daemon|lost the sandbox daemon)/);
    const again = await compute('up', '-d');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/web\s+(unchanged|start)\s+ready/);
    expect(await reply(await urlOf(compute))).toBe('late');
    expect(recorded(dir).map((sandbox) => sandbox.id)).toEqual([entry?.id]);
  });

  it('up --watch re-applies a saved compose file in the sandbox', async () => {
    const greeting = (word: string) => `servers:\n  web:\n    start: node -e "require('http').createServer((q, s) => s.end(process.env.WORD)).listen(process.env.PORT)"\n    port: 3000\n    environment: { WORD: ${word} }\n    health_check: { path: / }\n`;
    const { dir } = project('{ provider: bwrap }', greeting('first'));
    const compute = (...args: string[]) => runCli(dir, args, { COMPUTE_BWRAP_ROOT: bw.root });
    const watch = spawnCli(dir, ['up', '-d', '--watch'], { COMPUTE_BWRAP_ROOT: bw.root });
    await waitFor(() => watch.stderr().includes('watching'), { what: 'the watch to start', timeoutMs: 30_000 });
    expect(await reply(await urlOf(compute))).toBe('first');
    writeFileSync(join(dir, 'compute.yaml'), `name: remote\nsandbox: { provider: bwrap }\n${greeting('second')}`);
    await waitFor(() => /web\s+replace\s+ready/.test(watch.stdout()), { what: 'the save to be applied', timeoutMs: 30_000 });
    expect(await reply(await urlOf(compute))).toBe('second');
    watch.child.kill('SIGINT');
    expect((await watch.exited).code).toBe(130);
  });

  it('creates a new sandbox, and says so, when the recorded one was destroyed behind its back', async () => {
    const { dir, compute } = project('{ provider: bwrap }');
    expect((await compute('up', '-d')).code).toBe(0);
    const [before] = recorded(dir);
    await bw.sdk.sandbox.destroy(before?.id as string);
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`compute: sandbox ${before?.id} (provider bwrap) is gone; creating a new one`);
    const [after] = recorded(dir);
    expect(after?.id).not.toBe(before?.id);
    expect(await reply(await urlOf(compute))).toBe(`hello from ${after?.id}`);
  });

  it('replaces an agent of another version and the new one adopts the running unit', async () => {
    const { dir, compute } = project('{ provider: bwrap }');
    expect((await compute('up', '-d')).code).toBe(0);
    const pidOf = async () => (JSON.parse((await compute('ps', '--json')).stdout) as { pid: number }[])[0]?.pid;
    const before = await pidOf();
    // What an older compute would have recorded: the agent that answers is not this version's.
    const path = join(dir, '.compute', 'state', 'sandbox.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"sha256": "[0-9a-f]+"/, `"sha256": "${'0'.repeat(64)}"`), { mode: 0o600 });
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/web\s+unchanged\s+ready/);
    expect(recorded(dir)[0]?.agent?.sha256).not.toBe('0'.repeat(64));
    expect(await pidOf()).toBe(before);
    const [entry] = recorded(dir);
    const count = await compute('exec', 'web', '--', 'sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done | grep -c "^node compute-daemon.mjs"');
    expect(count.stdout.trim()).toBe('1');
    expect(await reply(await urlOf(compute))).toBe(`hello from ${entry?.id}`);
  });

  it('starts the agent again after it was SIGKILLed in the sandbox; the new one adopts the unit, no upload, no duplicate', async () => {
    const { dir, compute } = project('{ provider: bwrap }');
    expect((await compute('up', '-d')).code).toBe(0);
    const pidOf = async () => (JSON.parse((await compute('ps', '--json')).stdout) as { pid: number }[])[0]?.pid;
    const before = await pidOf();
    const [entry] = recorded(dir);
    const sandbox = await bw.sdk.sandbox.getById(entry?.id as string);
    const killed = await sandbox?.runCommand('kill -9 "$(cat /home/.compute-agent/state/daemon.pid)"');
    expect(killed?.exitCode).toBe(0);
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/web\s+unchanged\s+ready/);
    expect(up.stderr).not.toMatch(/created|uploaded/);
    expect(await pidOf()).toBe(before);
    const servers = await sandbox?.runCommand('for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done | grep -c "^node -e"');
    expect(servers?.stdout.trim()).toBe('1');
    expect(await reply(await urlOf(compute))).toBe(`hello from ${entry?.id}`);
  });

  it('takes the units down in the recorded sandbox when the file is broken', async () => {
    const { dir, compute } = project('{ provider: bwrap, name: pr-7 }');
    expect((await compute('up', '-d')).code).toBe(0);
    writeFileSync(join(dir, 'compute.yaml'), `${readFileSync(join(dir, 'compute.yaml'), 'utf8')}  broken: [\n`);
    const down = await compute('down');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain('warning');
    expect(down.stdout).toContain('removed: web');
    expect(recorded(dir)).toHaveLength(1);
  });

  it('refuses a wrong token with one clear line (exit 1)', async () => {
    const { dir, compute } = project('{ provider: bwrap }');
    expect((await compute('up', '-d')).code).toBe(0);
    writeFileSync(join(dir, '.compute', 'state', 'agent.token'), 'not-the-token-the-agent-has\n', { mode: 0o600 });
    const ps = await compute('ps');
    expect(ps.code).toBe(1);
    expect(ps.stderr).toMatch(/^compute: the agent in sandbox bw-[0-9a-f]+ \(http:\/\/127\.0\.0\.1:\d+\) refused the project's token: .*\n$/);
  });

  it('loads a provider from a module path in the project, through the same code', async () => {
    const { dir, compute } = project('{ provider: ./my-provider.mjs }');
    writeFileSync(join(dir, 'my-provider.mjs'), `export { bwrap as default } from ${JSON.stringify(BWRAP_PROVIDER)};\n`);
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    const [entry] = recorded(dir);
    expect(await reply(await urlOf(compute))).toBe(`hello from ${entry?.id}`);
    expect((await compute('down', '--destroy')).code).toBe(0);
  });

  it('starts the agent through a provider that composes background commands like @computesdk/e2b', async () => {
    const { dir, compute } = project(`{ provider: ${JSON.stringify(E2B_LIKE)} }`);
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    const [entry] = recorded(dir);
    expect(await reply(await urlOf(compute))).toBe(`hello from ${entry?.id}`);
    // A cloud-like provider has no way to pass a terminal through: exec goes through its command API, and says so once.
    const exec = await spawnCli(dir, ['exec', 'web', '--', 'sh', '-c', 'echo "$PORT"; exit 3'], { COMPUTE_BWRAP_ROOT: bw.root }, 'not read\n').exited;
    expect(exec).toMatchObject({ code: 3, stdout: '3000\n' });
    expect(exec.stderr).toMatch(/^compute: no TTY for exec \(provider \S*e2b-like\S* has no way to pass one through\): the command gets no input, and its output is printed when it ends\n$/);
    expect((await compute('down', '--destroy')).code).toBe(0);
  });

  it('says in one line that the sandbox has no node for the agent (exit 1)', async () => {
    const { compute } = project(`{ provider: ${JSON.stringify(E2B_LIKE)}, options: { hideNode: true } }`);
    const up = await compute('up', '-d');
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^compute: sandbox bw-[0-9a-f]+ \(provider e2b-like\) has no node on its PATH; compute's agent needs node >= 20: pick a template or image with node \(sandbox\.create\)\n$/m);
  });

  it('extends the sandbox\'s life by timeout_ms on each command (E2B\'s setTimeout), and keeps extending it under up --watch', async () => {
    const log = join(tempDir('compute-keepalive-'), 'calls');
    const { dir, compute } = project(`{ provider: ${JSON.stringify(E2B_LIKE)}, timeout_ms: 2000, options: { keepAliveLog: ${JSON.stringify(log)} } }`);
    const calls = () => readFileSync(log, 'utf8').trim().split('\n');
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(calls()).toEqual(['2000']);
    expect((await compute('ps')).code).toBe(0);
    expect(calls()).toEqual(['2000', '2000']); // it lives timeout_ms after the last command, whichever it was
    // Under --watch, every timeout_ms / 2 (here 1 s) while it runs.
    const watch = spawnCli(dir, ['up', '-d', '--watch'], { COMPUTE_BWRAP_ROOT: bw.root });
    await waitFor(() => calls().length >= 5, { what: 'the watch to extend the sandbox twice', timeoutMs: 30_000 });
    watch.child.kill('SIGINT');
    expect((await watch.exited).code).toBe(130);
    expect(new Set(calls())).toEqual(new Set(['2000']));
    expect((await compute('down', '--destroy')).code).toBe(0);
  });

  it('says in one line that the sandbox\'s node is too old for the agent (exit 1)', async () => {
    const { compute } = project(`{ provider: ${JSON.stringify(E2B_LIKE)}, options: { oldNode: true } }`);
    const up = await compute('up', '-d');
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^compute: sandbox bw-[0-9a-f]+ \(provider e2b-like\) has node 18\.19\.0; compute's agent needs node >= 20: pick a template or image with a newer node \(sandbox\.create\)\n$/m);
  });

  it('uploads overlays through the sync engine: the first copy, then only what changed; smart package folders stay out', async () => {
    const units = `overlays:
  - { source: ./src, target: /app, strategy: smart }
servers:
  web:
    path: /app
    start: node -e "const fs = require('fs'); require('http').createServer((q, s) => s.end(fs.readFileSync('msg.txt', 'utf8').trim() + ' ' + require('crypto').createHash('sha256').update(fs.readFileSync('bin.dat')).digest('hex'))).listen(process.env.PORT)"
    port: 3000
`;
    const { dir, compute } = project('{ provider: bwrap }', units);
    // Over one upload batch (3 MiB of base64): the file travels in two parts.
    const bytes = randomBytes(3_500_000);
    const sha = createHash('sha256').update(bytes).digest('hex');
    mkdirSync(join(dir, 'src', 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'src', 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(dir, 'src', 'msg.txt'), 'v1\n');
    writeFileSync(join(dir, 'src', 'old.txt'), 'to be deleted\n');
    writeFileSync(join(dir, 'src', 'bin.dat'), bytes);
    const up = await compute('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    const url = await urlOf(compute);
    expect(await reply(url)).toBe(`v1 ${sha}`);
    const ls = await compute('exec', 'web', '--', 'sh', '-c', 'ls -A /app');
    expect(ls.stdout.split('\n').filter(Boolean).sort()).toEqual(['bin.dat', 'msg.txt', 'old.txt']);
    expect((await compute('plan')).stdout).toContain('No changes');

    writeFileSync(join(dir, 'src', 'msg.txt'), 'v2\n');
    rmSync(join(dir, 'src', 'old.txt'));
    const plan = await compute('plan');
    expect(plan.stdout).toContain('overlay app  sync (1 changed, 1 deleted)');
    const again = await compute('up', '-d');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('overlay app synced (1 changed, 1 deleted)');
    expect(await reply(url)).toBe(`v2 ${sha}`);
    expect((await compute('exec', 'web', '--', 'ls', '-A', '/app')).stdout.split('\n').filter(Boolean).sort()).toEqual(['bin.dat', 'msg.txt']);
    expect((await compute('plan')).stdout).toContain('No changes');
  });
});

describe('sandbox.provider: a ComputeSDK provider that is not installed', () => {
  it('exits 2 with the npm i line to run', async () => {
    const { compute } = project('{ provider: e2b, options: { apiKey: k-123 } }');
    const up = await compute('up', '-d');
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/^compute: provider e2b is not installed in .+: run npm i @computesdk\/e2b\n$/);
    const config = await compute('config');
    expect(config.stdout).toContain('apiKey: "***"');
    expect(config.stdout).not.toContain('k-123');
  });
});

function statMode(path: string): number {
  return statSync(path).mode & 0o777;
}
