// Procfile (`name: command` lines, as foreman, honcho and Heroku read them) → Draft: every line a server.
import { newUnit, type Draft } from './draft.js';

const LINE = /^([A-Za-z0-9_-]+):\s*(.*)$/;
// foreman's ports: 5000 for the first process, 100 more for each next one, unless the line gives a default.
const FOREMAN_BASE = 5000;

/** Converts a Procfile's text. */
export function fromProcfile(text: string, from: string): Draft {
  // foreman runs each line in the Procfile's folder: that folder is the sandbox's root.
  const draft: Draft = { from, root: '.', units: [], notes: [] };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match || (match[2] ?? '').trim() === '') {
      draft.notes.push(`line ${index + 1}: ${line} (not a \`name: command\` line)`);
      return;
    }
    const [, name, command] = match as unknown as [string, string, string];
    const unit = newUnit(name);
    unit.server = true;
    unit.shell = shellText(command.trim());
    const port = portOf(command, draft.units.length);
    if (port !== undefined) unit.port = port;
    draft.units.push(unit);
  });
  return draft;
}

/**
 * The port a line's command listens on: the default of `${PORT:-N}`, foreman's for a line that uses `$PORT`, or
 * the N of a literal `--port N`, `--port=N` or `-p N`.
 */
export function portOf(command: string, index: number): number | undefined {
  const fallback = /\$\{PORT:?-(\d+)\}/.exec(command) ?? /(?:^|\s)(?:--port[= ]|-p )(\d{2,5})(?:\s|$)/.exec(command);
  if (fallback && Number(fallback[1]) <= 65535) return Number(fallback[1]);
  return /\$(PORT\b|\{PORT\})/.test(command) ? FOREMAN_BASE + 100 * index : undefined;
}

/**
 * The command as compute.yaml must write it: compute interpolates `${...}` when it reads the file, while a
 * Procfile leaves every `$` to the shell (so `${PORT:-3000}` sees the PORT compute assigns), hence `$${`.
 */
export function shellText(command: string): string {
  return command.replace(/\$\{/g, '$$$${');
}
