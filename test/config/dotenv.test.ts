// Table tests of the .env parser (src/config/dotenv.ts), and that it reads valid files as node:util parseEnv does.
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/config/dotenv.js';

describe('parseDotenv', () => {
  it.each([
    ['KEY=value lines', 'A=1\nB=two\n', { A: '1', B: 'two' }],
    ['blank lines and comments', '\n# comment\n  # indented comment\nA=1\n\n', { A: '1' }],
    ['export prefix', 'export A=1\nexport  B=2', { A: '1', B: '2' }],
    ['spaces around = and the value', 'A = spaced out  \n', { A: 'spaced out' }],
    ['inline comment after a space', 'A=value # comment\nB=a#b', { A: 'value', B: 'a#b' }],
    ['an empty value', 'A=\nB=   \n', { A: '', B: '' }],
    ['single quotes are literal', "A='x # y $Z \\n'", { A: 'x # y $Z \\n' }],
    ['double quotes with escapes', 'A="line1\\nline2\\t\\"q\\""', { A: 'line1\nline2\t"q"' }],
    ['double quotes spanning lines', 'A="one\ntwo"\nB=3', { A: 'one\ntwo', B: '3' }],
    ['backticks', 'A=`it\'s "both"`', { A: 'it\'s "both"' }],
    ['a later line wins', 'A=1\nA=2', { A: '2' }],
    ['CRLF line ends', 'A=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['a byte-order mark', '\ufeffA=1', { A: '1' }],
    ['an = inside the value', 'URL=postgres://u:p@h/db?x=1', { URL: 'postgres://u:p@h/db?x=1' }],
  ])('%s', (_, text, vars) => {
    const result = parseDotenv(text);
    expect(result.problems).toEqual([]);
    expect({ ...result.vars }).toEqual(vars);
  });

  it.each([
    ['a line without =', 'A=1\nnot a pair\n', [{ offset: 4, message: 'expected `=` after `not` (lines are KEY=VALUE)' }], { A: '1' }],
    ['a name starting with a digit', '1A=x', [{ offset: 0, message: expect.stringContaining('`1A` is not a valid variable name') }], {}],
    ['an unclosed double quote (the next line is still read)', 'A="open\nB=2', [{ offset: 2, message: 'unclosed " quote' }], { B: '2' }],
    ['an unclosed single quote', "A=1\nB='open", [{ offset: 6, message: "unclosed ' quote" }], { A: '1' }],
    ['only =', '=x', [{ offset: 0, message: 'expected KEY=VALUE' }], {}],
  ])('%s is reported at its offset', (_, text, problems, vars) => {
    const result = parseDotenv(text);
    expect(result.problems).toEqual(problems);
    expect({ ...result.vars }).toEqual(vars);
  });

  it('reads valid files as node:util parseEnv does (the daemon reads env_file for 2.x clients with it)', () => {
    const text = 'A=1\nexport B=two words\nC="quoted\\nnewline"\nD=\'single\'\n# comment\nE=x # trailing\n';
    expect({ ...parseDotenv(text).vars }).toEqual(parseEnv(text));
  });
});
