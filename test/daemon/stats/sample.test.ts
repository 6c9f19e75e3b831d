// What the running units use, measured on a real supervisor's real processes: with a cgroup per unit where this
// machine allows it, and without (then the units' trees are found in a scan of all of /proc).
import { describe, expect, it } from 'vitest';
import type { UnitStats } from '../../../src/contract/wire.js';
import { measureUnits } from '../../../src/daemon/stats/sample.js';
import type { Supervisor } from '../../../src/daemon/supervisor-api.js';
import { waitFor } from '../../helpers/wait.js';
import { harness, unit, waitForStatus } from '../units/harness.js';

const MiB = 1024 * 1024;
// A child that fills 64 MiB (every page written, so resident) and then idles; its parent is a `sleep`.
const HOLDER = `node -e "const b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => b[0]++, 60000)" & exec sleep 600`;

async function measure(supervisor: Supervisor, intervalMs = 250): Promise<Map<string, UnitStats>> {
  const measured = await measureUnits(() => supervisor.processRoots(), intervalMs, new AbortController().signal);
  return new Map((measured?.units ?? []).map((stats) => [stats.name, stats]));
}

describe.each([
  ['cgroups where the machine allows them', undefined],
  ['no cgroups', false],
] as const)('measureUnits with %s', (_mode, cgroups) => {
  it('reports CPU for a busy unit, none for a sleeping one, and memory summed over a unit\'s children', async () => {
    const { supervisor } = await harness(cgroups === undefined ? {} : { cgroups });
    await supervisor.upsert(
      [
        unit('busy', { command: 'exec node -e "for (;;) {}"', minUptimeMs: 0 }),
        unit('idle', { command: 'exec sleep 600', minUptimeMs: 0 }),
        unit('holder', { command: HOLDER, minUptimeMs: 0 }),
      ],
      new Set(),
    );
    await supervisor.start(['busy', 'idle', 'holder']);
    for (const name of ['busy', 'idle', 'holder']) await waitForStatus(supervisor, name, 'ready');

    // Thresholds far from the truth (about 100 % and 0 %) on a loaded 2-core machine; a busy sample is waited for.
    const stats = await waitFor(
      async () => {
        const all = await measure(supervisor);
        return (all.get('busy')?.cpu_percent ?? 0) > 20 && (all.get('holder')?.rss_bytes ?? 0) > 64 * MiB ? all : undefined;
      },
      { timeoutMs: 30_000, what: 'busy to use CPU and holder its 64 MiB' },
    );
    expect(stats.get('idle')?.cpu_percent).toBeLessThan(5);
    expect(stats.get('idle')).toMatchObject({ pid: supervisor.get('idle')?.pid, processes: 1 });
    // The sleep alone holds a few MiB: the rest is its child's.
    expect(stats.get('holder')?.processes).toBe(2);
    expect(stats.get('busy')?.cpu_ms).toBeGreaterThan(0);
    expect([...stats.keys()]).toEqual(['busy', 'holder', 'idle']);

    // One sample: memory at once, no CPU use; a stopped unit is not listed.
    await supervisor.stop(['busy']);
    const once = await measure(supervisor, 0);
    expect([...once.keys()]).toEqual(['holder', 'idle']);
    expect(once.get('holder')?.cpu_percent).toBeNull();
    expect(once.get('holder')?.rss_bytes).toBeGreaterThan(64 * MiB);
  });
});
