// Pure decisions over overlay paths: which entries are ignored, which folders `smart` symlinks, where a symlink
// found in the source may point, and what an `on_change` rule asks for a changed path.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { OnChangeAction, OnChangeRule, OverlayStrategy } from './overlay.js';

/** Folder names that `smart` symlinks instead of copying: installed packages, which a unit does not edit. */
export const SMART_SYMLINK_DIRS: readonly string[] = ['node_modules', '.venv', 'vendor'];

/** Tells whether an entry (posix path relative to the source root) is ignored. */
export type IgnoreMatcher = (relPath: string, isDir: boolean) => boolean;

/**
 * Compiles `ignore` patterns with gitignore-style naming rules, matched by picomatch (dotfiles included):
 * - a pattern without a slash (`node_modules`, `*.log`) matches an entry's name at any depth;
 * - a pattern with a slash (`src/gen/**`, `/build`) matches the path from the source root (a leading `/` only anchors);
 * - a trailing slash (`cache/`) matches folders only.
 * An ignored folder is skipped whole; nothing under it is looked at.
 */
export function compileIgnore(patterns: readonly string[]): IgnoreMatcher {
  const rules = patterns
    .map((raw) => raw.trim())
    .filter((raw) => raw !== '' && raw !== '/')
    .map((raw) => {
      const dirOnly = raw.endsWith('/');
      const body = raw.replace(/^\/+/, '').replace(/\/+$/, '');
      const anchored = raw.startsWith('/') || body.includes('/');
      return { dirOnly, anchored, match: picomatch(body, { dot: true }) };
    });
  return (relPath, isDir) =>
    rules.some((rule) => {
      if (rule.dirOnly && !isDir) return false;
      return rule.match(rule.anchored ? relPath : posix.basename(relPath));
    });
}

/** What the copy does with one source entry. */
export type EntryAction = 'skip' | 'copy' | 'link-dir';

/** Decides the fate of a source entry: ignored entries are skipped; under `smart`, package folders are symlinked. */
export function classifyEntry(
  relPath: string,
  isDir: boolean,
  opts: { strategy: OverlayStrategy; ignored: IgnoreMatcher; symlinkDirs: ReadonlySet<string> },
): EntryAction {
  if (opts.ignored(relPath, isDir)) return 'skip';
  if (isDir && opts.strategy === 'smart' && opts.symlinkDirs.has(posix.basename(relPath))) return 'link-dir';
  return 'copy';
}

/**
 * The link text to write in the target for a symlink found at `linkRel` (relative to the source root) whose text is
 * `linkText`, or null when the link points outside the source. Links that stay inside are written relative, so
 * that in the target they point at the copied entry, never back at the host source (an absolute link into the
 * source would otherwise let the sandbox reach the template on the host).
 */
export function rewriteLink(linkRel: string, linkText: string, sourceRoot: string): string | null {
  const linkDir = posix.dirname(linkRel);
  let resolvedRel: string;
  if (posix.isAbsolute(linkText)) {
    const rel = posix.relative(sourceRoot, posix.normalize(linkText));
    if (rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel)) return null;
    resolvedRel = rel;
  } else {
    resolvedRel = posix.normalize(posix.join(linkDir, linkText));
    if (resolvedRel === '..' || resolvedRel.startsWith('../')) return null;
  }
  const relative = posix.relative(linkDir, resolvedRel === '.' ? '' : resolvedRel);
  return relative === '' ? '.' : relative;
}

/** Actions from weakest to strongest: a sync that changes several paths does the strongest of their actions. */
const ACTION_RANK: Readonly<Record<OnChangeAction, number>> = { sync: 0, restart: 1, install: 2 };

/**
 * The action a sync of `paths` calls for under `rules`: each path takes the action of the first rule whose pattern
 * matches it (patterns as in `ignore`), `sync` when none does; the result is the strongest of them.
 */
export function actionFor(rules: readonly OnChangeRule[], paths: readonly string[]): OnChangeAction {
  const matchers = rules.map((rule) => ({ action: rule.action, match: compileIgnore([rule.path]) }));
  let action: OnChangeAction = 'sync';
  for (const path of paths) {
    const found = matchers.find(({ match }) => match(path, false))?.action ?? 'sync';
    if (ACTION_RANK[found] > ACTION_RANK[action]) action = found;
    if (action === 'install') break;
  }
  return action;
}
