// A unit's URL as the user can open it: the daemon in a provider sandbox reports `http://localhost:PORT` (inside the
// sandbox), which the client replaces with the provider's URL of that port (getUrl), in every state it hands out.
import type { EventStreamItem } from '../contract/wire.js';
import type { UnitState } from '../contract/unit.js';
import type { SandboxClient } from '../sdk/index.js';

/** `client` with every unit state's `url` made the provider's URL of its port. */
export function withSandboxUrls(client: SandboxClient, getUrl: (port: number) => Promise<string>): SandboxClient {
  const cache = new Map<number, Promise<string>>();
  const urlOf = (port: number) => {
    let url = cache.get(port);
    if (!url) {
      url = getUrl(port);
      cache.set(port, url);
      url.catch(() => cache.delete(port));
    }
    return url;
  };
  const one = async (state: UnitState): Promise<UnitState> => {
    if (state.url === undefined || state.port === undefined) return state;
    try {
      return { ...state, url: await urlOf(state.port) };
    } catch {
      return state; // the provider could not give a URL now: the sandbox-side one is still true inside it
    }
  };
  const all = (states: UnitState[]) => Promise.all(states.map(one));
  return {
    ...client,
    units: async () => all(await client.units()),
    unit: async (name) => {
      const state = await client.unit(name);
      return state && one(state);
    },
    applyUnits: async (specs, replace) => all(await client.applyUnits(specs, replace)),
    startUnits: async (names) => all(await client.startUnits(names)),
    stopUnits: async (names) => all(await client.stopUnits(names)),
    restartUnit: async (name) => one(await client.restartUnit(name)),
    events: (signal) => mapEvents(client.events(signal), one, all),
    where: client.where,
  };
}

async function* mapEvents(items: AsyncIterable<EventStreamItem>, one: (state: UnitState) => Promise<UnitState>, all: (states: UnitState[]) => Promise<UnitState[]>): AsyncGenerator<EventStreamItem> {
  for await (const item of items) {
    yield item.type === 'snapshot' ? { ...item, units: await all(item.units) } : { ...item, state: await one(item.state) };
  }
}
