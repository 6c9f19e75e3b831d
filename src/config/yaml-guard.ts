// Limits checked while the yaml package reads a file, before the work they protect: nesting depth while the text is
// tokenised (the package's parser and composer recurse per level, and 1 MB of `[` took 10 s, 1.4 GB, then a crash),
// and the size that aliases expand the document to before any alias is expanded (the "billion laughs" file).
import type { Alias, Document, Node } from 'yaml';
import { MAX_ALIAS_VALUES, MAX_DEPTH, TOO_DEEP, TOO_MANY_ALIASED } from './limits.js';

type YamlPackage = typeof import('yaml');

/** A limit the text goes past: where, and which. */
export interface LimitHit {
  offset: number;
  message: string;
}

// Thrown out of the token stream to stop the parser at once; caught in readDocument.
class Stop {
  constructor(readonly hit: LimitHit) {}
}

const MULTIPLE_DOCS = 'Source contains multiple documents; please use YAML.parseAllDocuments()';

/**
 * parseDocument, with each token checked for depth before the parser sees it (one lexer pass for both). Returns the
 * document, or the first limit hit; the package's own syntax errors are in the document, as parseDocument leaves them.
 */
export function readDocument(Y: YamlPackage, text: string): Document.Parsed | LimitHit {
  const depth = new DepthGuard(Y);
  const parser = new Y.Parser();
  function* tokens() {
    for (const lexeme of new Y.Lexer().lex(text)) {
      const hit = depth.step(lexeme);
      if (hit) throw new Stop(hit);
      yield* parser.next(lexeme);
    }
    yield* parser.end();
  }
  // uniqueKeys is off because the yaml package checks it in O(n²) per map; parse.ts checks it in O(n).
  const composer = new Y.Composer({ uniqueKeys: false, strict: true });
  let doc: Document.Parsed | undefined;
  try {
    for (const next of composer.compose(tokens(), true, text.length)) {
      if (doc) {
        doc.errors.push(new Y.YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', MULTIPLE_DOCS));
        break;
      }
      doc = next;
    }
  } catch (error) {
    if (error instanceof Stop) return error.hit;
    throw error;
  }
  return doc as Document.Parsed;
}

/**
 * Follows the nesting of a token stream without building anything: flow collections by their brackets, block nodes
 * by a stack of the columns they start at (a node on a line, or after `- `, `? `, `: `, pops the deeper ones).
 * Depths count as parse.ts counts them (the top node is 0). A list at its key's own column (`key:\n- a`) is not
 * counted, so a block document may nest up to twice as deep as counted here; parse.ts reports those, and the
 * package's recursion copes with a few hundred levels.
 */
class DepthGuard {
  private offset = 0;
  private lineStart = 0;
  private readonly columns: number[] = [];
  private flow = 0;
  private flowBase = 0;
  private lineFirst = true;
  private afterIndicator = false;
  private scalarNext = false;
  private blockBodyNext = false;

  constructor(private readonly Y: YamlPackage) {}

  /** Takes the next lexeme; returns the limit it goes past, if any. */
  step(lexeme: string): LimitHit | undefined {
    const { CST } = this.Y;
    // Markers the lexer inserts: they take no room in the text.
    if (lexeme === CST.SCALAR) return void (this.scalarNext = true);
    if (lexeme === CST.DOCUMENT) return undefined;
    if (lexeme === CST.FLOW_END) return void (this.flow = 0);
    const at = this.offset;
    this.offset += lexeme.length;
    const type = this.scalarNext ? 'scalar' : CST.tokenType(lexeme);
    this.scalarNext = false;
    const hit = this.token(type, at);
    // After the token: a scalar over several lines starts at a column of its first line.
    const newline = lexeme.lastIndexOf('\n');
    if (newline !== -1) this.lineStart = at + newline + 1;
    return hit;
  }

  private token(type: string | null, at: number): LimitHit | undefined {
    switch (type) {
      case 'newline':
        this.lineFirst = true;
        this.afterIndicator = false;
        return undefined;
      case 'space':
      case 'comment':
      case 'byte-order-mark':
      case 'comma':
        return undefined;
      case 'doc-start':
      case 'doc-end':
      case 'directive-line':
        this.columns.length = 0;
        this.flow = 0;
        return undefined;
      case 'flow-map-end':
      case 'flow-seq-end':
        if (this.flow > 0) this.flow--;
        this.lineFirst = this.afterIndicator = false;
        return undefined;
    }
    return this.content(type, at);
  }

  // A token that starts or belongs to a node: a scalar, an indicator, an anchor, a tag, a bracket.
  private content(type: string | null, at: number): LimitHit | undefined {
    const opens = type === 'flow-seq-start' || type === 'flow-map-start';
    if (this.flow > 0) {
      if (opens && this.flowBase + this.flow++ > MAX_DEPTH) return { offset: at, message: TOO_DEEP };
      return undefined;
    }
    // A block scalar's body sits on the lines after its `|`: it is the header's node, not one of its own.
    const startsNode = (this.lineFirst || this.afterIndicator) && !(type === 'scalar' && this.blockBodyNext);
    this.blockBodyNext = type === 'block-scalar-header';
    this.lineFirst = false;
    this.afterIndicator = type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind';
    if (startsNode) {
      const column = at - this.lineStart;
      while (this.columns.length > 0 && (this.columns.at(-1) as number) >= column) this.columns.pop();
      this.columns.push(column);
      if (this.columns.length - 1 > MAX_DEPTH) return { offset: at, message: TOO_DEEP };
    }
    if (opens) {
      this.flowBase = Math.max(0, this.columns.length - 1);
      if (this.flowBase > MAX_DEPTH) return { offset: at, message: TOO_DEEP };
      this.flow = 1;
    }
    return undefined;
  }
}

/**
 * What the document would expand to through aliases, counted before anything is expanded: each anchored node's
 * size is known when its aliases come (YAML aliases only look back), so one walk finds the alias at which the
 * values aliases add (merge keys included: `<<: *a` is an alias) pass MAX_ALIAS_VALUES. Runs after DepthGuard,
 * so its recursion is shallow.
 */
export function aliasOverflow(Y: YamlPackage, root: Node): LimitHit | undefined {
  const sizes = new Map<Node, number>();
  const anchors = new Map<string, Node>();
  let added = 0;
  let hit: LimitHit | undefined;
  const size = (node: unknown): number => {
    if (hit || !Y.isNode(node)) return 1;
    if (node.anchor) anchors.set(node.anchor, node);
    if (Y.isAlias(node)) {
      const target = anchors.get((node as Alias).source);
      // An alias inside the node it names (a cycle) has no size yet: parse.ts reports it.
      const n = (target && sizes.get(target)) ?? 1;
      added += n;
      if (added > MAX_ALIAS_VALUES) hit = { offset: node.range?.[0] ?? 0, message: TOO_MANY_ALIASED };
      return n;
    }
    let n = 1;
    if (Y.isSeq(node)) for (const item of node.items) n += size(item);
    else if (Y.isMap(node)) for (const pair of node.items) n += size(pair.value);
    sizes.set(node, n);
    return n;
  };
  size(root);
  return hit;
}
