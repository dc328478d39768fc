import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { error } from '../model/diagnostics.js';
import type { Diagnostic, Pos } from '../model/types.js';
import type { Locate } from './schemas.js';
import { codePointLength } from './text.js';

/** Aliases beyond this many expansions are refused, which defeats "billion laughs" documents. */
export const MAX_YAML_ALIASES = 100;

export interface YamlFile {
  /** The plain value, when the file parsed. */
  value?: unknown;
  diagnostics: Diagnostic[];
  /** Where a path's key or value is in the file. */
  locate: Locate;
  /** The original text of a scalar at `path` (e.g. `1.10` for a number that YAML read as 1.1). */
  source(path: (string | number)[]): string | undefined;
}

/**
 * Parses YAML keeping positions. Errors (syntax, duplicate keys, alias abuse) come back as
 * diagnostics; the yaml library collects them on the document rather than throwing.
 */
export function parseYaml(text: string, file: string): YamlFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number): Pos => {
    // The line counter counts UTF-16 units; columns are shown in characters (code points).
    const p = lc.linePos(offset);
    const lineStart = offset - (p.col - 1);
    return { file, line: p.line, col: codePointLength(text, lineStart, Math.min(offset, text.length)) + 1 };
  };
  const diagnostics: Diagnostic[] = [];
  // After the first syntax error the parser's further complaints are mostly echoes of it: report
  // that one (with a hint where the cause is common), and every duplicate key.
  let syntax = false;
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') {
      const key = text.slice(e.pos[0]).split(/[:\n]/)[0].trim();
      diagnostics.push(error('duplicate-key', `the key "${key}" appears twice in the same mapping`, at(e.pos[0]), 'remove one of them; YAML would otherwise keep only one value'));
    } else if (!syntax) {
      syntax = true;
      diagnostics.push(error('yaml-syntax', cleanMessage(e.message), at(e.pos[0]), YAML_HINTS[e.code]));
    }
  }
  const locate: Locate = (path, target) => {
    const found = find(doc, path, target);
    return at(found ?? 0);
  };
  const source = (path: (string | number)[]) => {
    const n = doc.getIn(path, true);
    return isScalar(n) && typeof n.source === 'string' ? n.source : undefined;
  };
  if (diagnostics.length) return { diagnostics, locate, source };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    // toJS throws only for alias expansion beyond the cap (and for alias cycles).
    diagnostics.push(
      error('yaml-aliases', `too many YAML aliases (${(e as Error).message})`, { file, line: 1, col: 1 }, `at most ${MAX_YAML_ALIASES} alias expansions are allowed`),
    );
    return { diagnostics, locate, source };
  }
  return { value, diagnostics, locate, source };
}

const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  BAD_INDENT: 'check the indentation of this line and the one above (spaces only, the same depth for items of one list)',
  MISSING_CHAR: 'a quote or bracket opened here is not closed',
  MULTILINE_IMPLICIT_KEY: 'a value that runs over several lines needs quotes, or a key is missing its colon',
};

/** yaml's messages end with " at line L, column C" (positions are given separately). */
function cleanMessage(m: string): string {
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

/** Offset of the key or value at `path`, or of the nearest ancestor that exists. */
function find(doc: Document, path: (string | number)[], target: 'key' | 'value'): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const lastSeg = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyString(p.key) === String(seg));
      if (!pair) return best;
      if (lastSeg && target === 'key') return rangeStart(pair.key) ?? best;
      node = pair.value;
      best = rangeStart(pair.value) ?? rangeStart(pair.key) ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      best = rangeStart(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}

function keyString(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return undefined;
}

function rangeStart(n: unknown): number | undefined {
  const r = (n as Node | undefined)?.range;
  return r ? r[0] : undefined;
}
