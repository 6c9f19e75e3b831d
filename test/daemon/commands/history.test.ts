// Background commands retained: lookups while running, waits with a deadline, eviction of the oldest finished ones.
import { describe, expect, it } from 'vitest';
import { CommandHistory } from '../../../src/daemon/commands/history.js';
import type { CommandResult } from '../../../src/contract/wire.js';

function result(id: string, status: CommandResult['status'], stdout = ''): CommandResult {
  return { cmd_id: id, command: 'x', status, stdout, stderr: '', started_at: '2024-01-01T00:00:00.000Z' };
}

function control() {
  let finish!: (value: CommandResult) => void;
  const done = new Promise<CommandResult>((resolve) => (finish = resolve));
  return { done, finish };
}

describe('CommandHistory', () => {
  it('reports a running command live, then its final state; wait resolves when it ends', async () => {
    const history = new CommandHistory();
    const { done, finish } = control();
    let output = 'a';
    history.add('c1', () => result('c1', 'running', output), done);
    output = 'ab';
    expect(history.get('c1')).toMatchObject({ status: 'running', stdout: 'ab' });
    expect(history.running()).toBe(1);
    const waiting = history.wait('c1', 60_000);
    finish(result('c1', 'completed', 'abc'));
    expect(await waiting).toMatchObject({ status: 'completed', stdout: 'abc' });
    expect(history.get('c1')?.status).toBe('completed');
    expect(history.running()).toBe(0);
    expect(history.get('nope')).toBeUndefined();
    expect(await history.wait('nope', 10)).toBeUndefined();
  });

  it('gives up a wait at its deadline or its signal, with the state at that moment', async () => {
    const history = new CommandHistory();
    history.add('c1', () => result('c1', 'running', 'so far'), control().done);
    expect(await history.wait('c1', 1)).toMatchObject({ status: 'running', stdout: 'so far' });
    const controller = new AbortController();
    const waiting = history.wait('c1', 60_000, controller.signal);
    controller.abort();
    expect((await waiting)?.status).toBe('running');
  });

  it('evicts the oldest finished commands past the count or the bytes, never a running one', async () => {
    const history = new CommandHistory({ finished: 2, bytes: 10 });
    const running = control();
    history.add('run', () => result('run', 'running'), running.done);
    for (const id of ['a', 'b', 'c']) {
      const { done, finish } = control();
      history.add(id, () => result(id, 'running'), done);
      finish(result(id, 'completed', 'x'));
      await done;
    }
    expect(history.list().map((r) => r.cmd_id)).toEqual(['run', 'b', 'c']);

    const big = control();
    history.add('big', () => result('big', 'running'), big.done);
    big.finish(result('big', 'completed', '0123456789'));
    await big.done;
    expect(history.list().map((r) => r.cmd_id)).toEqual(['run', 'big']);
  });
});
