// The pure parts of the converter, by table: words and shell strings, durations, ports, formats, Procfile ports.
import { describe, expect, it } from 'vitest';
import { interpolation } from '../../src/convert/compose.js';
import { parseDuration, secondsToMs } from '../../src/convert/duration.js';
import { convert, detectFormat } from '../../src/convert/index.js';
import { containerPort } from '../../src/convert/ports.js';
import { portOf, shellText } from '../../src/convert/procfile.js';
import { quoteWord, shellToWords, splitWords, wordsToShell } from '../../src/convert/words.js';

describe('words', () => {
  it.each([
    ['npm run dev', ['npm', 'run', 'dev']],
    ['  a   b ', ['a', 'b']],
    [`sh -c "npm i && npm start"`, ['sh', '-c', 'npm i && npm start']],
    [`echo 'it''s' "a \\"b\\"" c\\ d`, ['echo', 'its', 'a "b"', 'c d']],
    ['x ""', ['x', '']],
  ])('splitWords(%j)', (text, words) => expect(splitWords(text)).toEqual(words));

  it.each([
    [['npm', 'start'], 'npm start'],
    [['sh', '-c', 'a && b'], 'a && b'],
    [['/bin/bash', '-c', 'a; b'], 'a; b'],
    [['echo', 'hello world', "it's", ''], `echo 'hello world' 'it'\\''s' ''`],
    [['sh', '-c', 'a', 'extra'], 'sh -c a extra'],
  ])('wordsToShell(%j)', (words, shell) => expect(wordsToShell(words)).toBe(shell));

  it.each([
    ['redis-server --port 6380', ['redis-server', '--port', '6380']],
    [`nginx -g 'daemon off;'`, ['nginx', '-g', 'daemon off;']],
    ['a && b', ['sh', '-c', 'a && b']],
    ['serve --port $PORT', ['sh', '-c', 'serve --port $PORT']],
    ['FOO=1 ./run', ['sh', '-c', 'FOO=1 ./run']],
    [`echo "it's $HOME"`, ['sh', '-c', `echo "it's $HOME"`]],
    [`echo 'unbalanced`, ['sh', '-c', `echo 'unbalanced`]],
  ])('shellToWords(%j)', (shell, words) => expect(shellToWords(shell)).toEqual(words));

  it('quotes only what needs it', () => {
    expect(['a', 'a b', '', 'x=1', '$X'].map(quoteWord)).toEqual(['a', "'a b'", "''", 'x=1', "'$X'"]);
  });
});

describe('durations', () => {
  it.each([
    ['1m30s', 90_000],
    ['10s', 10_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1h', 3_600_000],
    ['2m', 120_000],
    ['30', 30_000],
    [5, 5000],
    ['100us', 0],
    ['soon', undefined],
    ['10x', undefined],
    ['', undefined],
    [null, undefined],
  ])('parseDuration(%j) = %j', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    [2, 2000],
    [0.5, 500],
    ['3', 3000],
    [-1, undefined],
    ['x', undefined],
  ])('secondsToMs(%j) = %j', (seconds, ms) => expect(secondsToMs(seconds)).toBe(ms));
});

describe('ports', () => {
  it.each([
    [3000, 3000],
    ['3000', 3000],
    ['8080:80', 80],
    ['127.0.0.1:8080:80/tcp', 80],
    ['7000-7002:7000-7002', 7000],
    ['53:53/udp', undefined],
    ['${WEB_PORT:-3000}:3000', 3000],
    ['3000:${PORT}', undefined],
    [{ target: 4000, published: 14000 }, 4000],
    [{ target: 53, protocol: 'udp' }, undefined],
    [70000, undefined],
  ])('containerPort(%j) = %j', (entry, port) => expect(containerPort(entry)).toBe(port));
});

describe('formats', () => {
  it.each([
    ['docker-compose.yml', '', 'compose'],
    ['docker-compose.override.yaml', '', 'compose'],
    ['compose.yaml', '', 'compose'],
    ['deploy/compose.prod.yml', '', 'compose'],
    ['process-compose.yaml', '', 'process-compose'],
    ['process-compose.override.yml', '', 'process-compose'],
    ['Procfile', '', 'procfile'],
    ['Procfile.dev', '', 'procfile'],
    ['app.procfile', '', 'procfile'],
    ['stack.yaml', 'services:\n  a: { command: x }\n', 'compose'],
    ['stack.yaml', 'processes:\n  a: { command: x }\n', 'process-compose'],
    ['procs', '# dev\nweb: npm start\nworker: node w.js\n', 'procfile'],
    ['notes.txt', 'just some text\n', undefined],
    ['bad.yaml', 'a: [\n', undefined],
  ])('detectFormat(%j, %j) = %j', (name, text, format) => expect(detectFormat(name, text)).toBe(format));

  it('refuses what it cannot convert, with a reason', () => {
    expect(() => convert('hello\n', 'notes.txt')).toThrow('notes.txt: not a docker compose file, Procfile or process-compose file (name the format with --from)');
    expect(() => convert('version: "3"\n', 'compose.yaml')).toThrow('compose.yaml: no `services:` map, so nothing to convert');
    expect(() => convert('services:\n  db: { image: postgres }\n', 'compose.yaml')).toThrow('nothing to convert: db: image postgres with no command');
    expect(() => convert('services: [\n', 'compose.yaml')).toThrow(/^compose\.yaml: /);
  });
});

describe('interpolation and Procfile ports', () => {
  it.each([
    ['$HOME/x', '${HOME}/x'],
    ['${A:-b} $$B $$$C', '${A:-b} $$B $$${C}'],
    ['cost: $5', 'cost: $5'],
  ])('compose interpolation(%j) = %j', (text, out) => expect(interpolation(text)).toBe(out));

  it.each([
    ['node s.js --port $PORT', 0, 5000],
    ['node s.js --port ${PORT}', 2, 5200],
    ['rails s -p ${PORT:-3000}', 1, 3000],
    ['serve --port=8080', 0, 8080],
    ['rails s -p 4000 -b 0.0.0.0', 0, 4000],
    ['sidekiq', 0, undefined],
    ['echo $PORTAL', 0, undefined],
  ])('portOf(%j, %j) = %j', (command, index, port) => expect(portOf(command, index)).toBe(port));

  it('keeps ${...} for the shell of a Procfile line', () => {
    expect(shellText('a ${PORT:-3000} $PORT')).toBe('a $${PORT:-3000} $PORT');
  });
});
