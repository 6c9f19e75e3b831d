// Which unit holds which port, so that two units of a sandbox are never given the same one.
import { allocatePort } from '../ports/index.js';
import type { PortBook } from './deps.js';

/** A port book over the ports API: allocation skips ports that other units hold. */
export function createPortBook(): PortBook {
  const held = new Map<string, number>();
  const heldByOthers = (unit: string) => new Set([...held].filter(([name]) => name !== unit).map(([, port]) => port));
  return {
    async allocate(unit, requested, strict) {
      // Reserve before the check completes so two units allocating at once cannot both take the same free port.
      held.delete(unit);
      const port = await allocatePort(requested, { strict, reserved: heldByOthers(unit) });
      const taken = heldByOthers(unit);
      if (taken.has(port)) return this.allocate(unit, requested, strict);
      held.set(unit, port);
      return port;
    },
    hold(unit, port) {
      held.set(unit, port);
    },
    release(unit) {
      held.delete(unit);
    },
  };
}
