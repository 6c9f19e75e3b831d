// The `stack` test project (test/fixtures/projects/stack) in a temp copy: compute run in it with its ports in the
// environment, its units as ps and the daemon see them, and edits of its compute.yaml as editors save them.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { UnitState } from '../../src/contract/unit.js';
import { freePort } from '../helpers/net.js';
import { copyProject, projectClient, runCli } from './project-harness.js';

/** A row of `compute ps --json`. */
export interface PsRow {
  name: string;
  status: string;
  pid: number | null;
  port: number | null;
  url: string | null;
}

/** A fresh copy of the stack project and the ways tests drive and observe it. */
export async function stackProject() {
  const dir = copyProject('stack');
  const env = { DB_PORT: String(await freePort()), API_PORT: String(await freePort()) };
  const compute = (...args: string[]) => runCli(dir, args, env);
  const ps = async (): Promise<Record<string, PsRow>> => {
    const result = await compute('ps', '--json');
    expect(result.code, result.stderr).toBe(0);
    return Object.fromEntries((JSON.parse(result.stdout) as PsRow[]).map((row) => [row.name, row]));
  };
  const units = async (): Promise<Record<string, UnitState>> => {
    const client = await projectClient(dir);
    try {
      return Object.fromEntries((await client.units()).map((unit) => [unit.name, unit]));
    } finally {
      await client.close();
    }
  };
  const allReady = async (names: string[]) => {
    const state = await units();
    return names.every((name) => state[name]?.status === 'ready') ? state : undefined;
  };
  const file = join(dir, 'compute.yaml');
  // As editors save: write a temp file and rename it over the original.
  const edit = (change: (yaml: string) => string) => {
    writeFileSync(`${file}.tmp`, change(readFileSync(file, 'utf8')));
    renameSync(`${file}.tmp`, file);
  };
  return { dir, env, compute, ps, units, allReady, edit };
}
