import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { execForm } from '../../../src/daemon/units/shell.js';

describe('execForm', () => {
  it.each([
    ['node server.js', 'exec node server.js'],
    ['  npm run dev  ', 'exec npm run dev'],
    ['redis-server --port "6379"', 'exec redis-server --port "6379"'],
    ['node $APP > out.log', 'exec node $APP > out.log'],
    // Conservative: any `&`, even in a redirection or quotes, leaves the command as written.
    ['node app.js 2>&1', 'node app.js 2>&1'],
    ['echo "a;b"', 'echo "a;b"'],
    ['npm install && npm start', 'npm install && npm start'],
    ['sleep 1; exit 3', 'sleep 1; exit 3'],
    ['cat x | wc -l', 'cat x | wc -l'],
    ['sleep 60 &', 'sleep 60 &'],
    ['(cd app; make)', '(cd app; make)'],
    ['echo a\necho b', 'echo a\necho b'],
    ['FOO=1 node x.js', 'FOO=1 node x.js'],
    ['cd /app', 'cd /app'],
    ['exit 0', 'exit 0'],
    ['exec node x.js', 'exec node x.js'],
    ['export A=1', 'export A=1'],
    ['if true', 'if true'],
    ['', ''],
  ])('%j → %j', (command, expected) => {
    expect(execForm(command)).toBe(expected);
  });

  it('makes the program take the shell\'s place: its parent is whoever ran sh -c', () => {
    const run = (command: string) => spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' }).stdout.trim();
    const inner = "sh -c 'echo $PPID'";
    expect(run(execForm(inner))).toBe(String(process.pid));
    expect(run(inner)).not.toBe(String(process.pid));
  });
});
