// Anchors for the fast YAML reader: where each anchored node was written, so that an alias can read it again (as
// parse.ts converts the anchored node again for every alias), and what aliases add to the document, counted as
// yaml-guard.ts's aliasOverflow counts it, so that a file past MAX_ALIAS_VALUES goes to the guarded path.
import { giveUp } from './fast-yaml-scan.js';
import { MAX_ALIAS_VALUES } from './limits.js';
import { copyValue, type Value } from './located.js';

/** Where an anchored node was written, enough to read it again: `at` is where the node itself starts. */
export type Written =
  /** A value on the rest of a block line, or an item of a flow collection. */
  | { kind: 'inline' | 'flow'; at: number; end: number }
  /** A block map or list from line `line` (a list at its key's own indentation when `seq`). */
  | { kind: 'block'; at: number; line: number; indent: number; seq: boolean };

/** An anchored node, and its size once read. */
export interface Definition {
  node: Written;
  /** The values the node holds, aliases expanded; undefined while it is being read. */
  size: number | undefined;
  /** Its value as read for an alias without a problem, and where (the depth and `x-` rule change what is read). */
  kept?: { depth: number; keepX: boolean; value: Value };
}

/** The anchors of one document, in the order they were written, and the values their aliases add. */
export class Anchors {
  private readonly byName = new Map<string, Definition[]>();
  private added = 0;
  /** Above 0 while an alias's node is read again: what it holds was defined and counted at its first reading. */
  replaying = 0;

  /** Records an anchor on the node about to be read; undefined when reading again (nothing new is defined). */
  define(name: string, node: Written): Definition | undefined {
    if (this.replaying > 0) return undefined;
    const definition: Definition = { node, size: undefined };
    const list = this.byName.get(name);
    if (list) list.push(definition);
    else this.byName.set(name, [definition]);
    return definition;
  }

  /**
   * A copy of what reading `definition` again at `depth` (with `keepX`) gives, when an earlier alias read it there
   * without a problem: reading it again would report none either (interpolation and keys give the same results; an
   * unset variable is warned of once). A 1 MB file that merged one default 14,000 times spent a third of its reading
   * on reading it again.
   */
  copy(definition: Definition, depth: number, keepX: boolean): Value | undefined {
    const kept = definition.kept;
    return kept && kept.depth === depth && kept.keepX === keepX ? copyValue(kept.value) : undefined;
  }

  /** Keeps (a copy of) what an alias read from `definition` without a problem, for copy(). */
  keep(definition: Definition, depth: number, keepX: boolean, value: Value): void {
    definition.kept = { depth, keepX, value: copyValue(value) };
  }

  /**
   * The anchored node that the alias at `at` names: the last one anchored with its name before it (YAML's rule, also for a
   * redefined anchor), or undefined. Gives up on an alias inside the node it names (parse.ts reports the cycle) and
   * when the aliases of the document add more than MAX_ALIAS_VALUES (yaml-guard.ts refuses the file).
   */
  resolve(name: string, at: number): Definition | undefined {
    const list = this.byName.get(name) ?? [];
    let found: Definition | undefined;
    for (let k = list.length - 1; k >= 0 && !found; k--) if ((list[k] as Definition).node.at < at) found = list[k];
    if (found && found.size === undefined) giveUp();
    // An unknown alias counts as one value, as in aliasOverflow.
    if (this.replaying === 0 && (this.added += found?.size ?? 1) > MAX_ALIAS_VALUES) giveUp();
    return found;
  }
}
