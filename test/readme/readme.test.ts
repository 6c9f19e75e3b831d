// README.md cannot drift from the code: its file format reference is the generator's output for the schema, its
// YAML examples are valid files, its CLI section names every command and flag, and its quickstart's test
// command is the one CI runs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReference, replaceSection, splitDefault } from '../../docs/reference.mjs';
import { main } from '../../src/cli/main.js';
import { EXIT } from '../../src/cli/errors.js';
import type { CliIO } from '../../src/cli/io.js';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from '../helpers/tmp.js';
import { fencedBlocks, quickstartCommands, readme, REPO, section } from './markdown.js';

const schema = JSON.parse(readFileSync(join(REPO, 'schema', 'compute.schema.json'), 'utf8')) as Record<string, unknown>;

// Every field name the schema defines, at any depth (the `properties` of every object in it).
function schemaFieldNames(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) schemaFieldNames(item, names);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') for (const name of Object.keys(value)) names.add(name);
      schemaFieldNames(value, names);
    }
  }
  return names;
}

// Runs the CLI in-process and returns what it printed.
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIO = { stdout: (text) => (out += text), stderr: (text) => (out += text), isTTY: false, env: {}, cwd: REPO };
  const code = await main(args, io);
  return { code, out };
}

describe('README.md', () => {
  it('has the file format reference that `npm run docs` generates from the schema', () => {
    const text = readme();
    const expected = replaceSection(text, renderReference(schema));
    // On failure: run `npm run docs` (the schema changed) or undo a hand edit between the markers.
    expect(text, 'README.md reference is out of date: run `npm run docs`').toBe(expected);
  });

  it('has a reference row, with a meaning, for every field of the schema', () => {
    const reference = section(readme(), 'Every field');
    for (const name of schemaFieldNames(schema)) expect(reference, `field ${name}`).toContain(`| \`${name}\` |`);
    const rows = reference.split('\n').filter((line) => /^\| `/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(schemaFieldNames(schema).size);
    for (const row of rows) expect(row, 'a row without a meaning').not.toMatch(/\|\s*\|$/);
  });

  it('takes defaults out of descriptions, whichever way they are written', () => {
    expect(splitDefault('Milliseconds between probes. Default 2000.')).toEqual({ defaultText: '2000', meaning: 'Milliseconds between probes.' });
    expect(splitDefault('Working folder. Default `/`.')).toEqual({ defaultText: '`/`', meaning: 'Working folder.' });
    expect(splitDefault('Root. Default: a folder in `.compute/` beside the file.').defaultText).toBe('a folder in `.compute/` beside the file');
    expect(splitDefault('`never` (default), `on-failure` or `always`.').defaultText).toBe('`never`');
    expect(splitDefault('How many; 0 (default) is unlimited.').defaultText).toBe('0');
    expect(splitDefault('No default here.')).toEqual({ defaultText: '', meaning: 'No default here.' });
  });

  it('shows only YAML examples that are valid compute.yaml files', async () => {
    const blocks = fencedBlocks(section(readme(), 'The file format'), 'yaml');
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    for (const block of blocks) {
      const dir = tempDir('compute-readme-yaml-');
      writeFileSync(join(dir, 'compute.yaml'), block);
      // The env example names an env_file, and the include example a file defining db, which must exist.
      writeFileSync(join(dir, '.env'), '');
      mkdirSync(join(dir, 'db'));
      writeFileSync(join(dir, 'db', 'compute.yaml'), 'services:\n  db: { cmd: postgres }\n');
      const result = await loadConfig({ files: ['compute.yaml'], cwd: dir, env: {} });
      expect(result.errors.map((error) => error.message), block).toEqual([]);
    }
  });

  it('names every command and each flag of its --help, and every exit code', async () => {
    const cliSection = section(readme(), 'The command line');
    const intro = cliSection.slice(0, cliSection.indexOf('| command |'));
    const usage = await cli(['--help']);
    const commands = [...usage.out.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((match) => match[1] as string);
    expect(commands).toContain('up');
    for (const command of commands) {
      const row = cliSection.split('\n').find((line) => line.startsWith(`| \`${command}`));
      expect(row, `a row for ${command}`).toBeDefined();
      const help = await cli([command, '--help']);
      expect(help.code).toBe(EXIT.ok);
      const flags = new Set(help.out.match(/--[a-z][a-z-]+/g));
      for (const flag of flags) expect(`${row}\n${intro}`, `${command} ${flag}`).toContain(flag);
    }
    for (const code of Object.values(EXIT)) expect(cliSection).toContain(`| ${code} |`);
  });

  it('gives two quickstart commands: the second is the test command CI runs, and package.json defines it', () => {
    const commands = quickstartCommands(readme());
    expect(commands).toHaveLength(2);
    for (const command of commands) expect(command.split('\n'), command).toHaveLength(1);
    const [, test] = commands as [string, string];
    const ciLines = readFileSync(join(REPO, '.ci', 'run'), 'utf8').split('\n').map((line) => line.trim());
    expect(ciLines).toContain(test);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const script = /^npm (?:run )?(\S+)$/.exec(test)?.[1];
    expect(script, `"${test}" runs an npm script`).toBeDefined();
    expect(pkg.scripts[script as string]).toBeTruthy();
  });
});
