// A CLI that forgives (issue 17, item 6): did-you-mean for commands and options, one short line for every usage
// error, `compute help CMD`, `up --wait`, and -f/--state-dir before the command as docker compose takes them.
import { describe, expect, it } from 'vitest';
import { splitGlobalOptions } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { captureIO, writeFiles } from '../config/helpers.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { runCli, spawnCli, writeProject } from './project-harness.js';

const TICKER = `services:
  ticker:
    cmd: node
    args: [-e, "setInterval(() => console.log('tick ' + Date.now()), 100)"]
`;

describe('usage errors', () => {
  it.each([
    [['upp'], 'unknown command "upp"; did you mean "up"?'],
    [['PS'], 'unknown command "PS"; did you mean "ps"?'],
    [['valdiate'], 'unknown command "valdiate"; did you mean "validate"?'],
    [['xyzzy'], 'unknown command "xyzzy" (compute --help lists the commands)'],
    [['help', 'upp'], 'unknown command "upp"; did you mean "up"?'],
    [['up', '--detatch'], 'unknown option --detatch for compute up; did you mean --detach?'],
    [['up', '--detatch=1'], 'unknown option --detatch for compute up; did you mean --detach?'],
    [['ps', '--jsno'], 'unknown option --jsno for compute ps; did you mean --json?'],
    [['logs', '--tial', '5'], 'unknown option --tial for compute logs; did you mean --tail?'],
    [['logs', '--zzz'], 'unknown option --zzz for compute logs (compute logs --help lists them)'],
    [['up', '-x'], 'unknown option -x for compute up (compute up --help lists them)'],
    [['validate', '--file'], 'option --file of compute validate needs a value'],
    [['up', '--detach=yes'], 'option --detach of compute up takes no value'],
    [['validate', 'extra'], 'unexpected argument "extra" for compute validate (it takes none)'],
    [['--fil', 'x.yaml', 'up'], 'unknown option --fil before the command; did you mean --file?'],
    [['--json', 'ps'], 'unknown option --json before the command (only -f FILE, --profile NAME and --state-dir DIR go there)'],
    [['-f'], 'option --file needs a value'],
    [['-f', 'x.yaml', 'convert', 'a.yml'], 'unknown option --file for compute convert (compute convert --help lists them)'],
  ])('%j: exit 2 with one line', async (argv, line) => {
    const io = captureIO(tempDir());
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toBe(`compute: ${line}\n`);
    expect(io.out()).toBe('');
  });

  it('never shows Node\'s parseArgs text, from the built command either', async () => {
    const result = await runCli(tempDir(), ['up', '--detatch']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'compute: unknown option --detatch for compute up; did you mean --detach?\n' });
  });
});

describe('help', () => {
  it.each(['up', 'logs', 'convert', 'validate'])('`compute help %s` is `compute %s --help`', async (name) => {
    const viaHelp = captureIO(tempDir());
    const viaFlag = captureIO(tempDir());
    expect(await main(['help', name], viaHelp)).toBe(0);
    expect(await main([name, '--help'], viaFlag)).toBe(0);
    expect(viaHelp.out()).toBe(viaFlag.out());
    expect(viaHelp.out()).toMatch(new RegExp(`^Usage: compute ${name} `));
  });

  it('`compute help` alone is the general help', async () => {
    const io = captureIO(tempDir());
    expect(await main(['help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: compute <command> \[options\]\n\nCommands:\n/);
    expect(io.out()).toContain('  convert    ');
  });
});

describe('options before the command', () => {
  it.each([
    [['-f', 'x.yaml', 'logs', '-f'], ['--file', 'x.yaml'], 'logs', ['-f']],
    [['--file=x.yaml', '--state-dir', 's', 'ps', '--json'], ['--file', 'x.yaml', '--state-dir', 's'], 'ps', ['--json']],
    [['-f', 'a.yaml', '-f', 'b.yaml', 'up', '-d'], ['--file', 'a.yaml', '--file', 'b.yaml'], 'up', ['-d']],
    [['logs', '-f', 'x.yaml'], [], 'logs', ['-f', 'x.yaml']],
    [['--help'], [], '--help', []],
    [[], [], undefined, []],
  ])('splitGlobalOptions(%j)', (argv, globals, name, rest) => {
    expect(splitGlobalOptions(argv)).toEqual({ globals, name, rest });
  });

  it('-f and --file= before the command name the compose file', async () => {
    const dir = writeFiles(tempDir(), { 'deploy/app.yaml': TICKER });
    for (const argv of [['-f', 'deploy/app.yaml', 'validate'], ['--file=deploy/app.yaml', 'validate'], ['-f', 'deploy/app.yaml', 'config']]) {
      const io = captureIO(dir);
      expect(await main(argv, io)).toBe(0);
      expect(io.err()).toBe('');
    }
  });

  it('`compute -f FILE logs -f` follows the logs of FILE until Ctrl-C', async () => {
    const dir = writeProject(TICKER);
    expect((await runCli(dir, ['up', '--wait'])).code).toBe(0);
    const follow = spawnCli(dir, ['-f', 'compute.yaml', 'logs', '-f']);
    await waitFor(() => follow.stdout().includes('ticker | tick'), { what: 'the past lines' });
    const seen = follow.stdout().length;
    await waitFor(() => follow.stdout().length > seen, { what: 'new lines (it follows)' });
    follow.child.kill('SIGINT');
    expect(await follow.exited).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect((await runCli(dir, ['down'])).code).toBe(0);
  });
});

describe('up --wait', () => {
  it.each([[['up', '--wait']], [['up', '-d', '--wait']]])('%j returns once the units are ready (as -d)', async (argv) => {
    const dir = writeProject(TICKER);
    const result = await runCli(dir, argv);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('all units are up');
    const ps = await runCli(dir, ['ps', '--json']);
    expect(JSON.parse(ps.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ticker' })]));
    expect((await runCli(dir, ['down'])).code).toBe(0);
  });
});
