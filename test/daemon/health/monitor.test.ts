// Timing and state of the probe loop, with a fake clock and a scripted probe: delay, interval, the failure
// threshold, recovery, the slower pace while healthy, and stop.
import { describe, expect, it } from 'vitest';
import {
  nextDelay,
  nextReport,
  runProbeLoop,
  startupPace,
  StartupPacer,
  type HealthReport,
  type ProbeResult,
} from '../../../src/daemon/health/index.js';
import { FakeClock, flush } from './fake-clock.js';

const ok: ProbeResult = { ok: true };
const fail: ProbeResult = { ok: false, error: 'HTTP 503' };

describe('nextReport', () => {
  const checking: HealthReport = { healthy: false, status: 'checking', consecutiveFailures: 0 };
  const healthy: HealthReport = { healthy: true, status: 'healthy', consecutiveFailures: 0 };
  const unhealthy: HealthReport = { healthy: false, status: 'unhealthy', consecutiveFailures: 3, lastError: 'x' };
  it.each([
    { from: checking, result: fail, to: { healthy: false, status: 'checking', consecutiveFailures: 1, lastError: 'HTTP 503' } },
    { from: { ...checking, consecutiveFailures: 7 }, result: fail, to: { healthy: false, status: 'checking', consecutiveFailures: 8, lastError: 'HTTP 503' } },
    { from: checking, result: ok, to: healthy },
    { from: healthy, result: fail, to: { healthy: true, status: 'healthy', consecutiveFailures: 1, lastError: 'HTTP 503' } },
    { from: { ...healthy, consecutiveFailures: 1 }, result: fail, to: { healthy: true, status: 'healthy', consecutiveFailures: 2, lastError: 'HTTP 503' } },
    { from: { ...healthy, consecutiveFailures: 2 }, result: fail, to: { healthy: false, status: 'unhealthy', consecutiveFailures: 3, lastError: 'HTTP 503' } },
    { from: { ...healthy, consecutiveFailures: 2 }, result: ok, to: healthy },
    { from: unhealthy, result: fail, to: { healthy: false, status: 'unhealthy', consecutiveFailures: 4, lastError: 'HTTP 503' } },
    { from: unhealthy, result: ok, to: healthy },
    { from: healthy, result: { ok: false }, to: { healthy: true, status: 'healthy', consecutiveFailures: 1 } },
  ] as const)('$from.status ($from.consecutiveFailures failures) + ok=$result.ok → $to.status', ({ from, result, to }) => {
    expect(nextReport(from, result)).toEqual(to);
  });
});

/** A probe whose answers the test sets, recording the fake time of each call and its abort signal. */
function scriptedProbe(clock: FakeClock) {
  const calls: number[] = [];
  const signals: AbortSignal[] = [];
  let answer: ProbeResult | (() => Promise<ProbeResult>) = fail;
  return {
    calls,
    signals,
    answer: (next: typeof answer) => {
      answer = next;
    },
    probe: (signal: AbortSignal) => {
      calls.push(clock.now());
      signals.push(signal);
      return typeof answer === 'function' ? answer() : Promise.resolve(answer);
    },
  };
}

// `others`: how many other units are in their fast startup phase meanwhile (they share the loop's pacer).
function setup(schedule = { delayMs: 500, intervalMs: 1000, healthyIntervalMs: 1000 }, others = 0) {
  const clock = new FakeClock();
  const script = scriptedProbe(clock);
  const changes: HealthReport[] = [];
  const pacer = new StartupPacer();
  for (let i = 0; i < others; i++) pacer.set({}, true);
  const monitor = runProbeLoop(script.probe, schedule, (report) => changes.push(report), clock, pacer);
  return { clock, script, changes, monitor };
}

describe('nextDelay', () => {
  const healthy = { healthy: true, status: 'healthy', consecutiveFailures: 0 } as const;
  const unhealthy = { healthy: false, status: 'unhealthy', consecutiveFailures: 3 } as const;
  const checking = (consecutiveFailures: number) => ({ healthy: false, status: 'checking', consecutiveFailures }) as const;
  it.each([
    { now: 0, interval: 1000, report: healthy, delay: 1000 },
    { now: 1003, interval: 1000, report: healthy, delay: 997 },
    { now: 1499, interval: 1000, report: healthy, delay: 501 },
    { now: 1500, interval: 1000, report: healthy, delay: 500 },
    { now: 1501, interval: 1000, report: healthy, delay: 1499 },
    { now: 1501, interval: 1000, report: unhealthy, delay: 1000 },
    { now: 123_456, interval: 10_000, report: healthy, delay: 6544 },
    { now: 5, interval: 0, report: healthy, delay: 0 },
    { now: 5, interval: 2000, report: checking(1), delay: 10 },
    { now: 5, interval: 2000, report: checking(2), delay: 10 },
    { now: 5, interval: 2000, report: checking(40), startup: { elapsedMs: 1990, starting: 1 }, delay: 10 },
    { now: 5, interval: 2000, report: checking(3), startup: { elapsedMs: 30, starting: 20 }, delay: 40 },
    { now: 5, interval: 2000, report: checking(4), startup: { elapsedMs: 70, starting: 20 }, delay: 50 },
    { now: 5, interval: 2000, report: checking(4), startup: { elapsedMs: 70, starting: 8 }, delay: 20 },
    { now: 5, interval: 2000, report: checking(9), startup: { elapsedMs: 400, starting: 100 }, delay: 50 },
    { now: 5, interval: 2000, report: checking(2), startup: { elapsedMs: 10, starting: 1, startupPaceMs: 50 }, delay: 20 },
    { now: 5, interval: 2000, report: checking(5), startup: { elapsedMs: 100, starting: 1, startupPaceMs: 50 }, delay: 50 },
    { now: 5, interval: 2000, report: checking(200), startup: { elapsedMs: 2000, starting: 1 }, delay: 50 },
    { now: 5, interval: 2000, report: checking(202), startup: { elapsedMs: 2100, starting: 1 }, delay: 100 },
    { now: 5, interval: 2000, report: checking(205), startup: { elapsedMs: 2800, starting: 1 }, delay: 800 },
    { now: 5, interval: 2000, report: checking(208), startup: { elapsedMs: 4400, starting: 1 }, delay: 2000 },
    { now: 5, interval: 30, report: checking(4), startup: { elapsedMs: 70, starting: 20 }, delay: 30 },
    { now: 5, interval: 5, report: checking(1), delay: 5 },
  ])('at $now with interval $interval ($report.status, $report.consecutiveFailures failures, $startup) waits $delay', ({ now, interval, report, startup, delay }) => {
    expect(nextDelay(now, interval, report, startup)).toBe(delay);
  });
});

describe('startupPace', () => {
  it.each([
    { starting: 0, pace: 10 },
    { starting: 1, pace: 10 },
    { starting: 4, pace: 10 },
    { starting: 5, pace: 13 },
    { starting: 10, pace: 25 },
    { starting: 20, pace: 50 },
    { starting: 100, pace: 50 },
  ])('with $starting units starting, probes every $pace ms', ({ starting, pace }) => {
    expect(startupPace(starting)).toBe(pace);
  });
});

describe('runProbeLoop', () => {
  it('probes first after delayMs, then every 10 ms while checking for 2 s, then doubling up to intervalMs, never inside the call that starts it', async () => {
    const { clock, script, monitor } = setup();
    expect(script.calls).toEqual([]);
    await clock.advance(499);
    expect(script.calls).toEqual([]);
    await clock.advance(1);
    expect(script.calls).toEqual([500]);
    await clock.advance(50);
    expect(script.calls).toEqual([500, 510, 520, 530, 540, 550]);
    await clock.advance(2950);
    expect(script.calls).toHaveLength(206);
    expect(script.calls.slice(-6)).toEqual([2500, 2550, 2600, 2700, 2900, 3300]);
    monitor.stop();
  });

  it('slows its startup probes when many units start at once (10, 20, 40, then 50 ms with 20 starting)', async () => {
    const { clock, script, monitor } = setup(undefined, 19);
    await clock.advance(700);
    expect(script.calls).toEqual([500, 510, 530, 570, 620, 670]);
    monitor.stop();
  });

  it('leaves the pacer once healthy or stopped, so the units still starting speed up', async () => {
    const clock = new FakeClock();
    const pacer = new StartupPacer();
    const schedule = { delayMs: 0, intervalMs: 1000, healthyIntervalMs: 1000 };
    const first = scriptedProbe(clock);
    const second = scriptedProbe(clock);
    const a = runProbeLoop(first.probe, schedule, () => {}, clock, pacer);
    const b = runProbeLoop(second.probe, schedule, () => {}, clock, pacer);
    await clock.advance(0);
    expect(pacer.starting).toBe(2);
    first.answer(ok);
    await clock.advance(10);
    expect(pacer.starting).toBe(1);
    b.stop();
    expect(pacer.starting).toBe(0);
    a.stop();
  });

  it('probes at once with no delay, still through a timer', async () => {
    const { clock, script, changes, monitor } = setup({ delayMs: 0, intervalMs: 1000, healthyIntervalMs: 1000 });
    script.answer(ok);
    expect(script.calls).toEqual([]);
    expect(changes).toEqual([]);
    await clock.advance(0);
    expect(script.calls).toEqual([0]);
    expect(changes).toEqual([{ healthy: true, status: 'healthy', consecutiveFailures: 0 }]);
    monitor.stop();
  });

  it('stays checking through failures without reporting them, and turns healthy at the first success', async () => {
    const { clock, script, changes, monitor } = setup();
    await clock.advance(500 + 4 * 1000);
    expect(changes).toEqual([]);
    expect(monitor.current()).toEqual({ healthy: false, status: 'checking', consecutiveFailures: 207, lastError: 'HTTP 503' });
    script.answer(ok);
    await clock.advance(1000);
    expect(changes).toEqual([{ healthy: true, status: 'healthy', consecutiveFailures: 0 }]);
    monitor.stop();
  });

  it('turns unhealthy after 3 consecutive failures of a healthy unit, and healthy again on a success', async () => {
    const { clock, script, changes, monitor } = setup();
    script.answer(ok);
    await clock.advance(500);
    script.answer(fail);
    await clock.advance(2000);
    expect(changes.map((c) => c.status)).toEqual(['healthy']);
    expect(monitor.current()).toMatchObject({ healthy: true, consecutiveFailures: 2 });
    await clock.advance(1000);
    expect(changes.at(-1)).toEqual({ healthy: false, status: 'unhealthy', consecutiveFailures: 3, lastError: 'HTTP 503' });
    await clock.advance(5000);
    expect(changes).toHaveLength(2);
    script.answer(ok);
    await clock.advance(1000);
    expect(changes.map((c) => c.status)).toEqual(['healthy', 'unhealthy', 'healthy']);
    monitor.stop();
  });

  it('does not turn unhealthy when failures are interrupted by a success', async () => {
    const { clock, script, changes, monitor } = setup();
    for (const answer of [ok, fail, fail, ok, fail, fail, ok]) {
      script.answer(answer);
      await clock.advance(script.calls.length === 0 ? 500 : 1000);
    }
    expect(changes.map((c) => c.status)).toEqual(['healthy']);
    monitor.stop();
  });

  it('probes at healthyIntervalMs on its multiples while healthy, and every intervalMs once unhealthy', async () => {
    const { clock, script, monitor } = setup({ delayMs: 0, intervalMs: 1000, healthyIntervalMs: 10_000 });
    script.answer(ok);
    await clock.advance(3000);
    expect(script.calls).toEqual([0]);
    expect(clock.pending()).toEqual([7000]);
    script.answer(fail);
    await clock.advance(30_000);
    expect(script.calls).toEqual([0, 10_000, 20_000, 30_000, 31_000, 32_000, 33_000]);
    expect(monitor.current().status).toBe('unhealthy');
    expect(clock.pending()).toEqual([1000]);
    monitor.stop();
  });

  it('lines up the probes of healthy units started at different times', async () => {
    const clock = new FakeClock();
    const schedule = { delayMs: 0, intervalMs: 1000, healthyIntervalMs: 1000 };
    const first = scriptedProbe(clock);
    const second = scriptedProbe(clock);
    first.answer(ok);
    second.answer(ok);
    const a = runProbeLoop(first.probe, schedule, () => {}, clock);
    await clock.advance(370);
    const b = runProbeLoop(second.probe, schedule, () => {}, clock);
    await clock.advance(3000);
    expect(first.calls).toEqual([0, 1000, 2000, 3000]);
    expect(second.calls).toEqual([370, 1000, 2000, 3000]);
    a.stop();
    b.stop();
  });

  it('waits for a slow probe to settle before timing the next one', async () => {
    const { clock, script, monitor } = setup({ delayMs: 0, intervalMs: 1000, healthyIntervalMs: 1000 });
    let settle: (result: ProbeResult) => void = () => {};
    script.answer(() => new Promise((resolve) => (settle = resolve)));
    await clock.advance(5000);
    expect(script.calls).toEqual([0]);
    settle(fail);
    await flush();
    // Timed from when it settled; its 2 s of fast startup probes are over by then, so: the interval.
    expect(clock.pending()).toEqual([1000]);
    monitor.stop();
  });

  it('counts a probe that throws as a failure with its message', async () => {
    const { clock, script, monitor } = setup();
    script.answer(() => Promise.reject(new Error('boom')));
    await clock.advance(500);
    expect(monitor.current()).toEqual({ healthy: false, status: 'checking', consecutiveFailures: 1, lastError: 'boom' });
    monitor.stop();
  });

  it('stop() clears its timer, aborts the probe in flight and ignores its late result', async () => {
    const { clock, script, changes, monitor } = setup();
    let settle: (result: ProbeResult) => void = () => {};
    script.answer(() => new Promise((resolve) => (settle = resolve)));
    await clock.advance(500);
    expect(script.signals[0]?.aborted).toBe(false);
    monitor.stop();
    expect(script.signals[0]?.aborted).toBe(true);
    settle(ok);
    await flush();
    expect(changes).toEqual([]);
    expect(clock.pending()).toEqual([]);
    await clock.advance(10_000);
    expect(script.calls).toHaveLength(1);
  });

  it('stop() before the first probe leaves nothing scheduled', async () => {
    const { clock, script, monitor } = setup();
    monitor.stop();
    expect(clock.pending()).toEqual([]);
    await clock.advance(10_000);
    expect(script.calls).toEqual([]);
  });
});
