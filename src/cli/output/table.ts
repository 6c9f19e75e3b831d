// Plain text tables: columns padded to their widest cell, measured without colour codes.
import { stripVTControlCharacters } from 'node:util';

/** Renders rows under a header as aligned columns separated by two spaces; each line ends with a newline. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(visibleLength(cell), ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((text) => `${text}\n`).join('');
}

function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}
