// `compute events`: the daemon's event stream, one line per unit state change, until Ctrl-C.
import { PROJECT_LABEL, type UnitEvent } from '../../contract/unit.js';
import { parseCommandArgs, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { describeReason } from '../output/reason.js';
import { asCLIError, connectTarget, findTarget, readUnits } from '../target.js';

const HELP = `Usage: compute events [-f FILE]... [--json]

Prints every state change of the project's units as it happens, one line each:
  2026-12-03T18:00:00.000Z  api  running → ready
until Ctrl-C (exit 0), or until the daemon goes away (exit 1).

Options:
  --json            one JSON object per line: {ts, unit, from, to, reason, message}
  -f, --file FILE   a compose file (repeatable; default ./compute.yaml, then ./compute.yml)
  --state-dir DIR   where the project's sandbox lives (default .compute/ beside the first file)
  -h, --help        show this help
`;

const OPTIONS = { ...PROJECT_OPTIONS, json: { type: 'boolean' } } as const;

/** Follows the event stream of the project's units. */
export const run: Command = async (args, io) => {
  const { values } = parseCommandArgs('events', args, OPTIONS);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const target = await findTarget(values, io, true);
  const client = await connectTarget(target, io);
  if (!client) throw new CLIError("the project's daemon is not running (compute up starts it)", EXIT.failed);
  try {
    const { name } = await readUnits(target, client);
    const controller = new AbortController();
    io.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    let announced = false;
    for await (const item of client.events(controller.signal)) {
      // The first item is the snapshot: from here on no change is missed, which is worth saying.
      if (!announced) io.stderr(`following the events of ${name === undefined ? 'the project' : `project ${name}`} (Ctrl-C to stop)\n`);
      announced = true;
      if (item.type !== 'event' || item.state.spec.labels[PROJECT_LABEL] !== name) continue;
      io.stdout(values.json ? `${JSON.stringify(eventJson(item.event))}\n` : eventLine(item.event));
    }
    if (io.signal?.aborted) return EXIT.ok;
    throw new CLIError('the sandbox daemon closed its event stream', EXIT.failed);
  } catch (error) {
    if (io.signal?.aborted) return EXIT.ok;
    throw asCLIError(error);
  } finally {
    await client.close();
  }
};

function eventJson(event: UnitEvent): object {
  return { ...event, ...(event.reason ? { message: describeReason(event.reason) } : {}) };
}

/** One event in words: time, unit, the move, and why. */
export function eventLine(event: UnitEvent): string {
  return `${event.ts}  ${event.unit}  ${event.from} → ${event.to}${event.reason ? `  (${describeReason(event.reason)})` : ''}\n`;
}

