/**
 * XML in and out for REFI-QDA. Reading builds a small element tree with saxes, a strict, maintained,
 * pure-JS parser that reports line and column, knows nothing of DTDs (so entity expansion cannot
 * happen) and has no network access. A document type declaration is refused outright: REFI files have
 * none, and a DOCTYPE in one is an attack or a mistake. Writing is by hand: the documents are simple,
 * and escaping is done here for every character XML treats specially, so that text round-trips.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export const XML_LIMITS = {
  /** One attribute value: code names and paths are short; 64K characters is not a name. */
  attributeChars: 65_536,
  /** Nesting: a codebook ten levels deep uses about 14. */
  depth: 256,
  elements: 5_000_000,
} as const;

export interface XmlElement {
  /** Local name (no prefix). */
  name: string;
  /** Namespace URI. */
  ns: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, its character data concatenated. */
  text: string;
  /** 1-based line and column of the start tag. */
  line: number;
  col: number;
}

export class XmlProblem extends Error {
  constructor(
    readonly kind: 'malformed' | 'unsafe',
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let tagLine = 1;
  let tagCol = 1;
  const fail = (kind: 'malformed' | 'unsafe', message: string): never => {
    throw new XmlProblem(kind, message, parser.line, parser.column + 1);
  };
  parser.on('doctype', () => fail('unsafe', 'the XML declares a document type (DOCTYPE); REFI-QDA files have none, and one can define entities that expand without limit'));
  parser.on('opentagstart', (tag) => {
    // Fired just past the name and the character after it: back up over both and the '<'.
    tagLine = parser.line;
    tagCol = Math.max(1, parser.column - tag.name.length - 1);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++count > XML_LIMITS.elements) fail('unsafe', `more than ${XML_LIMITS.elements} elements`);
    if (stack.length >= XML_LIMITS.depth) fail('unsafe', `elements nested more than ${XML_LIMITS.depth} deep`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.value.length > XML_LIMITS.attributeChars) fail('unsafe', `attribute ${a.name} of <${tag.name}> is ${a.value.length} characters long (the cap is ${XML_LIMITS.attributeChars})`);
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const el: XmlElement = { name: tag.local, ns: tag.uri, attrs, children: [], text: '', line: tagLine, col: tagCol };
    if (stack.length) stack[stack.length - 1].children.push(el);
    else root = el;
    stack.push(el);
  });
  const addText = (t: string) => {
    if (stack.length) stack[stack.length - 1].text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('error', (e: Error) => {
    const m = e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    const unclosed = /^unclosed tag: (.*)$/.exec(m);
    fail('malformed', unclosed ? `the XML ends before <${unclosed[1]}> is closed` : m);
  });
  parser.write(text).close();
  if (!root) fail('malformed', 'no root element');
  return root!;
}

/** The first child of that name, if any. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

// ---- writing ----

/** Characters XML 1.0 cannot hold at all, even as references. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasNonXmlChars(s: string): boolean {
  return NOT_XML.test(s);
}

/**
 * An attribute value. Tabs and line ends are written as references: a parser would otherwise turn
 * them into spaces (attribute value normalisation), and a code's name would not come back as it was.
 */
export function attr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => ATTR_ESCAPES[c]);
}

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Character data. A CR is kept as a reference, since parsers turn a literal CR into LF. */
export function text(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}
