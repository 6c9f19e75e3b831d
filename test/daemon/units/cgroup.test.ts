// Which cgroup hierarchy the daemon uses, from /proc/mounts and /proc/self/cgroup as a machine shows them.
import { describe, expect, it } from 'vitest';
import { candidateHierarchies, chosenHierarchies, SandboxCgroups } from '../../../src/daemon/units/cgroup.js';

const HYBRID_MOUNTS = [
  'tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0',
  'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
  'cgroup /sys/fs/cgroup/freezer cgroup rw,relatime,freezer 0 0',
  'cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
].join('\n');
const HYBRID_SELF = '8:pids:/\n6:freezer:/\n4:memory:/process_api/ad05\n0::/\n';

describe('candidateHierarchies', () => {
  it.each([
    [
      'a hybrid machine: the v1 freezer, then pids, then the v2 tree',
      HYBRID_MOUNTS,
      HYBRID_SELF,
      false,
      [
        { kind: 'freezer', mount: '/sys/fs/cgroup/freezer', own: '/' },
        { kind: 'pids', mount: '/sys/fs/cgroup/pids', own: '/' },
        { kind: 'v2', mount: '/sys/fs/cgroup/unified', own: '/' },
      ],
    ],
    [
      'pure v2: the daemon’s own cgroup, delegated',
      'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0',
      '0::/user.slice/user-1000.slice/session-2.scope\n',
      true,
      [{ kind: 'v2', mount: '/sys/fs/cgroup', own: '/user.slice/user-1000.slice/session-2.scope' }],
    ],
    ['no cgroup file system', 'proc /proc proc rw 0 0', '', false, []],
  ])('%s', (_, mounts, self, pure, expected) => {
    expect(candidateHierarchies(mounts, self, pure)).toEqual(expected);
  });
});

describe('chosenHierarchies (COMPUTE_CGROUP)', () => {
  const found = () => candidateHierarchies(HYBRID_MOUNTS, HYBRID_SELF, false);
  it.each([
    ['auto', ['freezer', 'pids', 'v2']],
    ['v2', ['v2']],
    ['freezer', ['freezer']],
    ['pids', ['pids']],
    ['none', []],
  ])('%s: %j', (choice, kinds) => {
    expect(chosenHierarchies(choice, found).map((hierarchy) => hierarchy.kind)).toEqual(kinds);
  });

  it('refuses an unknown value, naming the ones it may be', () => {
    expect(() => chosenHierarchies('v1', found)).toThrow('COMPUTE_CGROUP must be one of auto, v2, freezer, pids, none, got "v1"');
  });
});

describe('SandboxCgroups', () => {
  it('puts a sandbox under compute/<hash>, above a unit cgroup the daemon itself may have been started in', () => {
    const plain = new SandboxCgroups({ kind: 'freezer', mount: '/cg', own: '/' }, '/tmp/p/.compute/state');
    expect(plain.dir).toMatch(/^\/cg\/compute\/[0-9a-f]{16}$/);
    expect(plain.unit('tasks').path).toBe(`${plain.dir}/u-tasks`);
    const nested = new SandboxCgroups({ kind: 'v2', mount: '/cg', own: '/a.slice/compute/0123456789abcdef/u-shell' }, '/tmp/p/.compute/state');
    expect(nested.dir).toBe(plain.dir.replace('/cg/', '/cg/a.slice/'));
  });
});
