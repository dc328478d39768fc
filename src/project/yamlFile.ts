import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { error } from '../model/diagnostics.js';
import type { Diagnostic, Pos } from '../model/types.js';
import type { Locate } from './schemas.js';
import { LIMITS } from './limits.js';
import { codePointLength, LineIndex } from './text.js';


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
export function parseYaml(raw: string, file: string): YamlFile {
  // YAML ends lines at CR, LF or CRLF, the line counter only at LF: with every line end an LF, the two
  // agree (and agree with how transcripts and CSV count lines). No column moves: a CR only ends a line.
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  const lc = new LineCounter();
  const at = (offset: number): Pos => {
    // The line counter counts UTF-16 units; columns are shown in characters (code points).
    const p = lc.linePos(offset);
    const lineStart = offset - (p.col - 1);
    return { file, line: p.line, col: codePointLength(text, lineStart, Math.min(offset, text.length)) + 1 };
  };
  const diagnostics: Diagnostic[] = [];
  const tooDeep = (where: Pos) =>
    error('yaml-too-deep', `lists and mappings are nested more than ${LIMITS.yamlDepth} levels deep here`, where, 'a frame needs a few levels; see docs/limits.md');
  // Brackets nested past the limit are refused before parsing: the parser recurses on them, and
  // where its stack gives out would depend on the Node version.
  const flow = scanFlow(text);
  if (flow.tooDeep !== undefined) {
    // Not parsed, so the line counter knows no lines yet.
    return { diagnostics: [tooDeep(new LineIndex(text).pos(file, flow.tooDeep))], locate: () => ({ file, line: 1, col: 1 }), source: () => undefined };
  }
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch {
    // The parser collects its errors, but thousands of nested brackets can exhaust the stack itself.
    return { diagnostics: [tooDeep({ file, line: 1, col: 1 })], locate: () => ({ file, line: 1, col: 1 }), source: () => undefined };
  }
  // After the first syntax error the parser's further complaints are mostly echoes of it: report
  // that one (with a hint where the cause is common), and every duplicate key.
  let syntax = false;
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') {
      const key = text.slice(e.pos[0]).split(/[:\n]/)[0].trim();
      diagnostics.push(error('duplicate-key', `the key "${key}" appears twice in the same mapping`, at(e.pos[0]), 'remove one of them; YAML would otherwise keep only one value'));
    } else if (!syntax) {
      syntax = true;
      // The parser's own recursion gives out on extreme nesting; it reports that as an error message.
      if (/call stack/i.test(e.message)) {
        diagnostics.push(tooDeep(at(0)));
        continue;
      }
      // The parser notices an unclosed bracket only lines later; point at the bracket itself.
      const open = /end with a [\]}]/.test(e.message) ? scanFlow(text, e.pos[0]).open : undefined;
      if (open !== undefined) {
        diagnostics.push(error('yaml-syntax', `this ${text[open]} is never closed`, at(open), `close it with ${text[open] === '[' ? ']' : '}'} (a list or mapping written in brackets must end with one)`));
      } else diagnostics.push(error('yaml-syntax', cleanMessage(e.message), at(e.pos[0]), YAML_HINTS[e.code]));
    }
  }
  if (!diagnostics.length) {
    const deep = deepest(doc.contents);
    if (deep !== undefined) diagnostics.push(tooDeep(at(deep)));
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
    value = doc.toJS({ maxAliasCount: LIMITS.yamlAliases });
  } catch (e) {
    // toJS throws only for alias expansion beyond the cap (and for alias cycles).
    const alias = text.search(/(^|[\s,[{:-])\*[^\s,\]}]/m);
    diagnostics.push(
      error('yaml-aliases', `too many YAML aliases (${(e as Error).message})`, at(alias === -1 ? 0 : alias + (text[alias] === '*' ? 0 : 1)), `at most ${LIMITS.yamlAliases} alias expansions are allowed; write the values out`),
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

/**
 * A light pass over YAML text for flow brackets (`[` and `{`), skipping quoted scalars and comments:
 * the offset where they first nest deeper than the limit, and the innermost bracket still open at
 * `until`. A quote opens a scalar only where one may start (so "you've" in plain text is no quote).
 */
export function scanFlow(text: string, until = text.length): { tooDeep?: number; open?: number } {
  const stack: number[] = [];
  const end = Math.min(until, text.length);
  for (let i = 0; i < end; i++) {
    const c = text[i];
    const prev = i === 0 ? '\n' : text[i - 1];
    if (c === '#' && /\s/.test(prev)) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? end : nl;
    } else if ((c === '"' || c === "'") && /[\s[{,:]/.test(prev)) {
      for (i++; i < end; i++) {
        if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
    } else if (c === '[' || c === '{') {
      stack.push(i);
      if (stack.length > LIMITS.yamlDepth) return { tooDeep: i };
    } else if (c === ']' || c === '}') stack.pop();
  }
  return { open: stack.length ? stack[stack.length - 1] : undefined };
}

/**
 * The offset of the first node nested deeper than the limit, if any. Walked with a stack of its own:
 * the point is not to recurse on input that is built to be deep.
 */
function deepest(root: unknown): number | undefined {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > LIMITS.yamlDepth) return rangeStart(node) ?? 0;
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          stack.push([item.key, depth + 1]);
          stack.push([item.value, depth + 1]);
        } else stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

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
