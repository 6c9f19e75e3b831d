// Where things were written: source files, offsets into them, and the diagnostics that point at them.
import type { Diagnostic } from './spec.js';

/** A text file that values and errors can point into. Line and column are computed only when an error needs them. */
export class Source {
  private lineStarts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** 1-based line and column of a character offset (columns count UTF-16 units, as editors do). */
  linePos(offset: number): { line: number; col: number } {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] ?? 0) + 1 };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A position in a source: the file that wrote a value, and where. */
export interface Loc {
  source: Source;
  offset: number;
}

const NOWHERE = new Source('', '');

/** The position of a value read without positions (see loadConfig): a diagnostic there asks for a second pass. */
export const NO_POSITION: Loc = { source: NOWHERE, offset: 0 };

/** Collects errors and warnings as they are found; each is turned into file:line:col at once. */
export class Diagnostics {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  /** True when a problem was reported at NO_POSITION (and so not kept): the pass must be run again with positions. */
  unplaced = false;
  /** True when a file was read without positions (the fast reader's cheap pass): its messages may say less. */
  positionless = false;
  private readonly seen = new Set<string>();

  error(loc: Loc, message: string): void {
    this.add('error', loc, message);
  }

  warn(loc: Loc, message: string): void {
    this.add('warning', loc, message);
  }

  /** An error about a whole file (it cannot be read, or no file was found), pointing at its first line. */
  fileError(path: string, message: string): void {
    this.errors.push({ severity: 'error', file: path, line: 1, col: 1, message });
  }

  private add(severity: Diagnostic['severity'], loc: Loc, message: string): void {
    if (loc.source === NOWHERE) {
      this.unplaced = true;
      return;
    }
    const { line, col } = loc.source.linePos(loc.offset);
    // An alias expanded twice, or two checks reaching one node, must not print the same line twice.
    const key = `${severity}\0${loc.source.path}\0${loc.offset}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    (severity === 'error' ? this.errors : this.warnings).push({ severity, file: loc.source.path, line, col, message });
  }
}

/** Orders diagnostics by file (in the order given, others after), then line and column. */
export function sortDiagnostics(list: Diagnostic[], fileOrder: string[]): Diagnostic[] {
  const rank = new Map(fileOrder.map((file, i) => [file, i]));
  const rankOf = (file: string) => rank.get(file) ?? fileOrder.length;
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rankOf(a.d.file) - rankOf(b.d.file) || a.d.file.localeCompare(b.d.file) || a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map(({ d }) => d);
}
