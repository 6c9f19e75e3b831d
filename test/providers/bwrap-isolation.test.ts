// What a unit inside a bwrap sandbox cannot do: write anywhere but its private folders, see or signal a host
// process, reach a server on the host's loopback, or keep any capability to undo that.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { skipBwrap, useBwrap } from './bwrap-harness.js';

const bw = useBwrap();

describe.skipIf(skipBwrap)('bwrap sandbox isolation', () => {
  it('cannot write outside its private folders', async () => {
    const sandbox = await bw.sdk.sandbox.create();
    for (const path of ['/etc/compute-probe', '/usr/compute-probe', '/usr/local/bin/compute-probe', '/compute-probe', '/bin/compute-probe']) {
      const result = await sandbox.runCommand(`echo x > ${path}`);
      expect(result.exitCode, path).not.toBe(0);
      expect(result.stderr, path).toMatch(/Read-only file system/);
      expect(existsSync(path), path).toBe(false);
    }
    const remount = await sandbox.runCommand('mount -o remount,rw /usr 2>&1 || mount -t tmpfs none /app/x 2>&1; echo "exit $?"');
    expect(remount.stdout).not.toMatch(/exit 0/);

    // A host folder under /tmp: inside, /tmp is the sandbox's own, so the write lands there and not on the host.
    const host = tempDir('compute-bwrap-host-');
    expect((await sandbox.runCommand(`mkdir -p ${host} && echo inside > ${host}/f`)).exitCode).toBe(0);
    expect(existsSync(join(host, 'f'))).toBe(false);

    // A symlink made inside to a host file resolves inside the sandbox, where that path does not exist.
    const outside = mkdtempSync('/var/tmp/compute-bwrap-');
    try {
      writeFileSync(join(outside, 'target'), 'host');
      await sandbox.runCommand(`ln -s ${outside}/target /app/link`);
      await expect(sandbox.filesystem.writeFile('/app/link', 'overwritten')).rejects.toThrow();
      expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('host');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('cannot see or signal a host process and has no capabilities', async () => {
    const sandbox = await bw.sdk.sandbox.create();
    const host = spawn('sleep', ['31.4159'], { stdio: 'ignore' });
    try {
      const pid = host.pid as number;
      await waitFor(() => isAlive(pid), { what: 'the host process to start' });
      const listing = await sandbox.runCommand('for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done');
      expect(listing.stdout).not.toContain('31.4159');
      expect(listing.stdout.split('\n').filter(Boolean).length).toBeLessThan(10);
      expect((await sandbox.runCommand(`kill -0 ${pid}`)).exitCode).not.toBe(0);
      expect(isAlive(pid)).toBe(true);

      const status = (await sandbox.runCommand('cat /proc/self/status')).stdout;
      for (const field of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb']) expect(status).toMatch(new RegExp(`${field}:\\s+0+\\n`));
      expect(status).toMatch(/NoNewPrivs:\s+1/);
    } finally {
      host.kill('SIGKILL');
      await waitFor(() => !isAlive(host.pid as number), { what: 'the host process to end' });
    }
  });

  it('cannot reach a server on the host loopback', async () => {
    const server = createServer((_req, res) => res.end('host secret'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const sandbox = await bw.sdk.sandbox.create();
      // 127.0.0.1 inside is the sandbox's own loopback; 10.0.2.2 is slirp4netns's gateway, closed to the host's loopback.
      const probe = `for h in 127.0.0.1 10.0.2.2; do node -e "fetch('http://'+process.argv[1]+':${port}',{signal:AbortSignal.timeout(1500)}).then(r=>r.text()).then(t=>console.log('reached',t),e=>console.log('refused',e.cause?.code??e.name))" $h; done`;
      const refused = await sandbox.runCommand(probe);
      expect(refused, 'both probes are refused').toMatchObject({ stdout: expect.stringMatching(/^refused \S+\nrefused \S+\n$/), exitCode: 0 });
      // The same probe does reach a server on the sandbox's own loopback, so "refused" above is the network speaking.
      const inside = `require('node:http').createServer((q, s) => s.end('sandbox')).listen(${port}, '127.0.0.1')`;
      await sandbox.runCommand(`exec node -e "${inside}"`, { background: true });
      await waitFor(async () => /^reached sandbox\nrefused \S+\n$/.test((await sandbox.runCommand(probe)).stdout), { what: 'the inside server' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
