// The daemon's own log file: pino records through RotatingLogFile stay within its size, one older file kept.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RotatingLogFile } from '../../src/daemon/log-file.js';
import { tempDir } from '../helpers/tmp.js';

const records = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { n: number; msg: string });

describe('RotatingLogFile', () => {
  it('rotates at its size, keeping the newest records in PATH and the ones before them in PATH.1', () => {
    const path = join(tempDir(), 'daemon.log');
    const maxBytes = 64 * 1024;
    const file = new RotatingLogFile(path, maxBytes);
    const logger = pino({ base: null }, file);
    // About 8 times the limit, in records of ~140 bytes, as a crash-looping unit's exits would write.
    const count = 4000;
    for (let n = 0; n < count; n++) logger.info({ n, unit: 'crasher', code: 1 }, 'unit exited, restarting at once');
    logger.flush();
    file.end();
    for (const name of [path, `${path}.1`]) expect(statSync(name).size).toBeLessThanOrEqual(maxBytes);
    expect(statSync(`${path}.1`).size).toBeGreaterThan(maxBytes - 200);
    const kept = [...records(`${path}.1`), ...records(path)].map((record) => record.n);
    // Whole records, the newest last, with none missing between the oldest kept and the newest.
    expect(kept.at(-1)).toBe(count - 1);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, index) => count - kept.length + index));
    expect(kept.length).toBeGreaterThan(maxBytes / 200);
  });

  it('appends to the file a previous daemon left, and rotates it once the next record would pass the size', () => {
    const path = join(tempDir(), 'daemon.log');
    writeFileSync(path, `${JSON.stringify({ msg: 'old' })}\n`.repeat(100));
    const before = statSync(path).size;
    const file = new RotatingLogFile(path, before + 10);
    file.write(`${JSON.stringify({ msg: 'first' })}\n`);
    file.end();
    expect(records(`${path}.1`)).toHaveLength(100);
    expect(records(path).map((record) => record.msg)).toEqual(['first']);
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
  });
});
