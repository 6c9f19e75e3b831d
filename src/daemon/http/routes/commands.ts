// POST /run/command as computesdk@2.5.4 calls it, and the routes its runCommand(…, {timeout}) waits on.
//
// That client turns `runCommand(cmd, { timeout })` into a background run and then long-polls
// GET /terminals/{terminal_id}/commands/{cmd_id}/wait?timeout=S; there are no terminals here, so background commands
// are filed under the one terminal id TERMINAL_ID.
import { TERMINAL_ID, type CommandStore } from '../../commands/index.js';
import { DaemonError, badRequest, notFound } from '../../errors.js';
import { ok } from '../respond.js';
import type { Route, RouteDeps } from '../router.js';
import type { CommandRequest, CommandResult } from '../../../contract/wire.js';
import { validateBody } from '../validate.js';

/** How long a wait lasts without ?timeout= (the 2.x client's own longest wait). */
export const DEFAULT_WAIT_SECONDS = 300;

function requireCommands(deps: RouteDeps): CommandStore {
  if (!deps.commands) throw new DaemonError(501, 'commands are not available on this daemon');
  return deps.commands;
}

function requireCommand(store: CommandStore, terminal: string, id: string): CommandResult {
  const result = terminal === TERMINAL_ID ? store.get(id) : undefined;
  if (!result) throw notFound(`command "${id}" not found on terminal "${terminal}" (background commands are on terminal "${TERMINAL_ID}")`);
  return result;
}

// `?timeout=S`, else the X-Request-Timeout header the 2.x client sends, else DEFAULT_WAIT_SECONDS.
function waitSeconds(query: URLSearchParams, header: string | string[] | undefined): number {
  const given = query.get('timeout') ?? (typeof header === 'string' ? header : null);
  if (given === null || given === '') return DEFAULT_WAIT_SECONDS;
  const seconds = Number(given);
  if (!Number.isFinite(seconds) || seconds < 0) throw badRequest(`"timeout" must be a number of seconds of at least 0 (got "${given}")`);
  return seconds;
}

/** POST /run/command; GET /terminals/exec/commands, /terminals/exec/commands/:id and /terminals/exec/commands/:id/wait. */
export const commandRoutes: Route[] = [
  {
    method: 'POST',
    path: '/run/command',
    async handler({ body, deps, signal }) {
      const store = requireCommands(deps);
      const request = await validateBody<CommandRequest>('command', await body());
      if (request.stream) throw new DaemonError(501, 'run/command: streaming output over WebSocket ("stream": true) is not supported by this daemon');
      const options = {
        command: request.command,
        ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
        ...(request.env ? { env: request.env } : {}),
        ...(request.shell ? { shell: request.shell } : {}),
        ...(request.timeout === undefined ? {} : { timeoutMs: Math.ceil(request.timeout * 1000) }),
      };
      if (request.background) return ok('Command started', await store.start(options), 202);
      // The client going away (signal) kills the command: nobody is left to read its result.
      return ok('Command executed', await store.run(options, signal));
    },
  },
  {
    method: 'GET',
    path: '/terminals/:terminal/commands',
    async handler({ params, deps }) {
      const store = requireCommands(deps);
      if (params.terminal !== TERMINAL_ID) throw notFound(`terminal "${params.terminal}" not found (background commands are on terminal "${TERMINAL_ID}")`);
      const commands = store.list();
      return ok('Commands listed', { commands, count: commands.length });
    },
  },
  {
    method: 'GET',
    path: '/terminals/:terminal/commands/:id',
    async handler({ params, deps }) {
      return ok('Command retrieved', requireCommand(requireCommands(deps), params.terminal ?? '', params.id ?? ''));
    },
  },
  {
    method: 'GET',
    path: '/terminals/:terminal/commands/:id/wait',
    async handler({ params, query, req, deps, signal }) {
      const store = requireCommands(deps);
      const id = requireCommand(store, params.terminal ?? '', params.id ?? '').cmd_id as string;
      const seconds = waitSeconds(query, req.headers['x-request-timeout']);
      const result = await store.wait(id, seconds * 1000, signal);
      if (!result) throw notFound(`command "${id}" is no longer retained`);
      // A reply with status "running" would read as exit code 0 to the 2.x client (`exit_code ?? 0`).
      if (result.status === 'running') throw new DaemonError(408, `command "${id}" is still running after ${seconds} s`);
      return ok('Command finished', result);
    },
  },
];
