// The import rules of docs/ARCHITECTURE.md, checked over every file of src/: a forbidden arrow fails the test.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** What each top folder of src/ may import besides itself (node: and packages are always allowed). */
const ALLOWED: Record<string, readonly string[]> = {
  contract: [],
  util: [],
  config: ['contract'],
  convert: ['contract'],
  plan: ['contract'],
  sdk: ['contract', 'util'],
  daemon: ['contract', 'util'],
  providers: ['contract', 'util'],
  reconcile: ['contract', 'plan', 'sdk', 'util'],
  host: ['contract', 'util', 'sdk', 'providers'],
  cli: ['contract', 'util', 'config', 'convert', 'plan', 'reconcile', 'sdk', 'host'],
};

/** The one file outside daemon/ that may import it: `compute daemon` runs the daemon in its own process. */
const DAEMON_ENTRY = 'cli/commands/daemon.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative specifiers a file imports, statically or with import(). */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm)) {
    found.push((match[1] ?? match[2]) as string);
  }
  return found;
}

function topFolder(file: string): string {
  return relative(SRC, file).split('/')[0] as string;
}

/** Every import that breaks the rules, as `from → to`. */
function violations(): string[] {
  const bad: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = topFolder(file);
    const own = relative(SRC, file);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier);
      const to = topFolder(target);
      if (to === from || to.startsWith('..')) continue;
      const allowed = (ALLOWED[from] ?? []).includes(to) || (to === 'daemon' && own === DAEMON_ENTRY);
      if (!allowed) bad.push(`${own} → ${relative(SRC, target)}`);
    }
  }
  return bad;
}

describe('import rules', () => {
  it('every folder of src/ has a rule', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((name) => !(name in ALLOWED))).toEqual([]);
  });

  it('finds static, type-only, re-exported and dynamic imports', () => {
    const text = "import { a } from '../x.js';\nimport type { B } from './y.js';\nexport { c } from '../z.js';\nconst m = await import('./w.js');\nimport 'node:fs';";
    expect(importsOf(text)).toEqual(['../x.js', './y.js', '../z.js', './w.js']);
  });

  it('src/ has no import the rules forbid', () => {
    expect(violations()).toEqual([]);
  });
});
