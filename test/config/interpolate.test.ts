// Table tests of `${VAR}` interpolation (src/config/interpolate.ts) and of the typing of interpolated plain scalars.
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/config/interpolate.js';
import { coreScalar } from '../../src/config/scalar.js';

const vars: Record<string, string> = { NAME: 'shop', EMPTY: '', PORT: '3000', NESTED: 'inner' };
const lookup = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);

describe('interpolate', () => {
  it.each([
    ['no dollar at all', 'plain text', 'plain text'],
    ['a set variable', 'name=${NAME}', 'name=shop'],
    ['two variables', '${NAME}:${PORT}', 'shop:3000'],
    ['$$ is a literal dollar', 'price $$5', 'price $5'],
    ['$$ before a brace is not interpolation', '$${NAME}', '${NAME}'],
    ['a lone $ before a name is left for the shell', 'echo $HOME and $1', 'echo $HOME and $1'],
    ['a trailing $', 'cost: 5$', 'cost: 5$'],
    [':- default when unset', '${MISSING:-dflt}', 'dflt'],
    [':- default when empty', '${EMPTY:-dflt}', 'dflt'],
    [':- keeps a set value', '${NAME:-dflt}', 'shop'],
    ['- default only when unset', '${MISSING-dflt}', 'dflt'],
    ['- keeps an empty value', '${EMPTY-dflt}', ''],
    ['an empty default', '${MISSING:-}', ''],
    ['a default holding a variable', '${MISSING:-${NESTED}}', 'inner'],
    ['a default holding a default', '${MISSING:-${ALSO_MISSING:-deep}}', 'deep'],
    ['a default holding $$', '${MISSING:-a$$b}', 'a$b'],
    ['a default with a colon and spaces', '${MISSING:-http://x:1/ y}', 'http://x:1/ y'],
    [':+ alternative when set', '${NAME:+on}', 'on'],
    [':+ nothing when empty', '${EMPTY:+on}', ''],
    ['+ alternative when set, even empty', '${EMPTY+on}', 'on'],
    [':? passes a set value', '${NAME:?needed}', 'shop'],
    ['? passes an empty value', '${EMPTY?needed}', ''],
  ])('%s', (_, text, expected) => {
    const result = interpolate(text, lookup);
    expect(result.problems).toEqual([]);
    expect(result.value).toBe(expected);
  });

  it.each([
    ['an unset variable becomes empty and is reported', 'a${MISSING}b', 'ab', [{ kind: 'unset', name: 'MISSING', offset: 1 }]],
    [':? on an unset variable', 'x ${DB:?set DB}', 'x ', [{ kind: 'error', offset: 2, message: 'required variable `DB` is not set: set DB' }]],
    [':? on an empty variable', '${EMPTY:?}', '', [{ kind: 'error', offset: 0, message: 'required variable `EMPTY` is empty' }]],
    ['? on an unset variable', '${DB?}', '', [{ kind: 'error', offset: 0, message: 'required variable `DB` is not set' }]],
    ['an unclosed brace', 'echo ${NAME', 'echo ${NAME', [{ kind: 'error', offset: 5 }]],
    ['an empty name', 'a ${}', 'a ', [{ kind: 'error', offset: 2, message: 'invalid variable name in `${}`' }]],
    ['a name with a space', '${A B}', '', [{ kind: 'error', offset: 0 }]],
    ['a name starting with a digit', '${1A}', '', [{ kind: 'error', offset: 0 }]],
    ['an unset variable inside a used default', '${MISSING:-${GONE}}', '', [{ kind: 'unset', name: 'GONE', offset: 11 }]],
  ])('%s', (_, text, expected, problems) => {
    const result = interpolate(text, lookup);
    expect(result.value).toBe(expected);
    expect(result.problems).toEqual(problems.map((p) => expect.objectContaining(p)));
  });

  it('does not evaluate a default that is not used (no warning for its variables)', () => {
    expect(interpolate('${NAME:-${GONE}}', lookup)).toEqual({ value: 'shop', problems: [] });
  });
});

describe('coreScalar (the type of an interpolated plain scalar)', () => {
  it.each([
    ['3000', 3000],
    ['-12', -12],
    ['0x1F', 31],
    ['0o17', 15],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['true', true],
    ['False', false],
    ['null', null],
    ['~', null],
    ['', ''],
    ['3000/tcp', '3000/tcp'],
    ['yes', 'yes'],
    ['0x', '0x'],
  ])('%j → %j', (text, value) => {
    expect(coreScalar(text)).toEqual(value);
  });
});
