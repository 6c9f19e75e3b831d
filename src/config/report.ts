// Diagnostics as the command line prints them: `file:line:col: message`, files relative to where the user is.
import { isAbsolute, relative } from 'node:path';
import type { Diagnostic } from './spec.js';
import { formatDiagnostic } from './spec.js';

/** A path as shown to a user in `cwd`: relative when it is inside `cwd`, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** One line per diagnostic (warnings as `file:line:col: warning: ...`), each ending in a newline. */
export function formatDiagnostics(list: readonly Diagnostic[], cwd: string): string {
  return list.map((d) => `${formatDiagnostic({ ...d, file: displayPath(d.file, cwd) })}\n`).join('');
}
