// The shared body of `start` and `restart`: find the project's units, act on them, wait until they settle, report.
import type { UnitState } from '../../contract/unit.js';
import type { SandboxClient } from '../../sdk/index.js';
import { parseCommandArgs, parseNonNegativeInt, PROJECT_OPTIONS } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';
import { UnitTracker } from '../../reconcile/track.js';
import { DEFAULT_SETTLE_TIMEOUT_MS, settleAndReport } from '../output/settle.js';
import { asCLIError, connectTarget, findTarget, readUnits, selectUnits } from '../target.js';

const OPTIONS = { ...PROJECT_OPTIONS, timeout: { type: 'string' } } as const;

/** A command that acts on the named units (every unit of the project without names), then waits for them to settle. */
export function settlingCommand(name: string, help: string, act: (client: SandboxClient, names: string[]) => Promise<UnitState[]>): Command {
  return async (args, io) => {
    const { values, positionals } = parseCommandArgs(name, args, OPTIONS, true);
    if (values.help) {
      io.stdout(help);
      return EXIT.ok;
    }
    const timeoutMs = parseNonNegativeInt('timeout', values.timeout) ?? DEFAULT_SETTLE_TIMEOUT_MS;
    const target = await findTarget(values, io, false);
    const client = await connectTarget(target, io);
    // The event stream is subscribed beside reading the units, before acting: its snapshot then costs no round trip
    // after the act (the daemon is busy spawning by then), and the states the act replies with are offered to it.
    const following = new AbortController();
    const tracking = client ? UnitTracker.subscribe(client, following.signal) : undefined;
    tracking?.catch(() => {});
    try {
      const names = selectUnits(target.spec, client ? (await readUnits(target, client)).ours : [], positionals);
      if (!client || !tracking || names.length === 0) throw new CLIError('the project has no units in its sandbox: run compute up', EXIT.usage);
      const offer = await act(client, names).catch((error: unknown) => Promise.reject(asCLIError(error)));
      const tracker = await tracking.catch((error: unknown) => Promise.reject(asCLIError(error)));
      return await settleAndReport(client, io, names, { timeoutMs, offer, tracker, ...(io.signal ? { signal: io.signal } : {}) });
    } finally {
      following.abort();
      await client?.close();
    }
  };
}
