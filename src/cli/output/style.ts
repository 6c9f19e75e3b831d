// Colours for terminal output (node:util styleText), on only where they help: a TTY without NO_COLOR, or FORCE_COLOR.
import { styleText } from 'node:util';
import type { CliIO } from '../io.js';

type Format = Parameters<typeof styleText>[0];

/** Applies styles to text, or leaves it plain when colour is off. */
export type Styler = (format: Format, text: string) => string;

/** A styler for this output: colour on a terminal unless NO_COLOR is set; FORCE_COLOR turns it on anywhere. */
export function stylerFor(io: Pick<CliIO, 'isTTY' | 'env'>): Styler {
  const force = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  const enabled = force || (io.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb');
  return enabled ? (format, text) => styleText(format, text) : (_format, text) => text;
}

const UNIT_COLOURS: Format[] = ['cyan', 'yellow', 'green', 'magenta', 'blue', 'redBright', 'cyanBright', 'yellowBright', 'greenBright', 'magentaBright'];

/** A stable colour per unit name, so a unit keeps its colour across runs. */
export function unitColour(name: string): Format {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return UNIT_COLOURS[hash % UNIT_COLOURS.length] as Format;
}

/** The colour of a status word: green when ready, red when failed, dim when stopped. */
export function statusColour(status: string): Format {
  if (status === 'ready' || status === 'completed' || status === 'healthy') return 'green';
  if (status === 'failed' || status === 'unhealthy') return 'red';
  if (status === 'stopped' || status === 'removed') return 'dim';
  return 'yellow';
}
