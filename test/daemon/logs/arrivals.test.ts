// The steps of a round of indexing, from the sizes the spools were seen at: a table.
import { describe, expect, it } from 'vitest';
import { Arrivals, type Step } from '../../../src/daemon/logs/arrivals.js';
import type { Stream } from '../../../src/daemon/logs/frame.js';

type Seen = [Stream, number, number];

const cases: Array<{ what: string; seen: Seen[]; sizes: Record<Stream, number>; steps: Array<[Stream, number, number]> }> = [
  { what: 'nothing seen: each spool to its size, stdout first', seen: [], sizes: { stdout: 5, stderr: 7 }, steps: [['stdout', 5, 100], ['stderr', 7, 100]] },
  {
    what: 'the spools in the order seen, alternating pieces kept apart',
    seen: [['stderr', 4, 1], ['stdout', 10, 2], ['stderr', 9, 3]],
    sizes: { stdout: 10, stderr: 12 },
    steps: [['stderr', 4, 1], ['stdout', 10, 2], ['stderr', 12, 3]],
  },
  {
    what: 'growth of one spool with nothing between is one piece, stamped when first seen',
    seen: [['stdout', 3, 1], ['stdout', 8, 2], ['stderr', 2, 3]],
    sizes: { stdout: 9, stderr: 2 },
    steps: [['stdout', 8, 1], ['stderr', 2, 3], ['stdout', 9, 100]],
  },
  {
    what: 'a spool never seen goes after those seen',
    seen: [['stderr', 6, 1]],
    sizes: { stdout: 4, stderr: 6 },
    steps: [['stderr', 6, 1], ['stdout', 4, 100]],
  },
  { what: 'a size past the spool (a new segment) is cut to it', seen: [['stdout', 50, 1]], sizes: { stdout: 8, stderr: 0 }, steps: [['stdout', 8, 1], ['stderr', 0, 100]] },
];

describe('Arrivals', () => {
  for (const { what, seen, sizes, steps } of cases) {
    it(what, () => {
      const arrivals = new Arrivals();
      for (const [stream, size, ts] of seen) arrivals.note(stream, size, ts);
      const expected: Step[] = steps.map(([stream, upTo, ts]) => ({ stream, upTo, ts }));
      expect(arrivals.take(sizes, 100)).toEqual(expected);
      // Taken once: the next round starts from nothing seen.
      expect(arrivals.take(sizes, 200).map((step) => step.ts)).toEqual([200, 200]);
    });
  }

  it('forgets what was seen of a spool that moved to a new segment', () => {
    const arrivals = new Arrivals();
    arrivals.note('stdout', 30, 1);
    arrivals.note('stderr', 5, 2);
    arrivals.forget('stdout');
    expect(arrivals.take({ stdout: 3, stderr: 5 }, 9)).toEqual([
      { stream: 'stderr', upTo: 5, ts: 2 },
      { stream: 'stdout', upTo: 3, ts: 9 },
    ]);
  });
});
