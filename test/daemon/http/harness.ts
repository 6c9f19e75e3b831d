// An in-process daemon for route tests (with the in-memory supervisor unless told otherwise), and raw HTTP calls to it.
import { join } from 'node:path';
import { Pool } from 'undici';
import { afterEach } from 'vitest';
import { startDaemon, type DaemonOptions, type RunningDaemon } from '../../../src/daemon/main.js';
import type { Supervisor } from '../../../src/daemon/supervisor-api.js';
import { tempDir } from '../../helpers/tmp.js';
import { FakeSupervisor } from './fake-supervisor.js';

/** A raw reply: status, headers, the body as text and parsed (when JSON). */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** Raw HTTP to one daemon listener. */
export interface RawClient {
  call(method: string, path: string, body?: string | object, headers?: Record<string, string>): Promise<RawReply>;
  pool: Pool;
}

const opened: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

/** A client over a unix socket or a TCP URL, closed after the test. */
export function rawClient(target: { socketPath: string } | { url: string }): RawClient {
  const pool = 'socketPath' in target ? new Pool('http://localhost', { socketPath: target.socketPath }) : new Pool(target.url);
  opened.push(() => pool.destroy());
  return {
    pool,
    async call(method, path, body, headers = {}) {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const res = await pool.request({
        method: method as 'GET',
        path,
        headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(payload === undefined ? {} : { body: payload }),
      });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers, text, json };
    },
  };
}

/** A daemon started in this process on temp folders, closed after the test. */
export interface TestDaemon {
  daemon: RunningDaemon;
  fake: FakeSupervisor;
  root: string;
  stateDir: string;
  http: RawClient;
}

/** Starts a daemon on new temp folders; `supervisor` replaces the fake (e.g. with one that fails). */
export async function startTestDaemon(
  options: Partial<DaemonOptions> & { supervisor?: (root: string) => Supervisor } = {},
): Promise<TestDaemon> {
  const { supervisor, ...rest } = options;
  const base = tempDir('compute-http-');
  const root = rest.root ?? join(base, 'root');
  const stateDir = rest.stateDir ?? join(base, 'state');
  const fake = new FakeSupervisor(root);
  const daemon = await startDaemon({
    createSupervisor: async () => ({ supervisor: supervisor?.(root) ?? fake }),
    ...rest,
    root,
    stateDir,
  });
  opened.push(() => daemon.close());
  return { daemon, fake, root, stateDir, http: rawClient({ socketPath: daemon.socketPath }) };
}
