/**
 * A REFI-QDA project or codebook as read from its XML (QDA-XML 1.0), keeping only what dtors can use
 * or must report as not carried. Reading is lenient, as real exporters are: a missing optional part
 * is nothing, a broken reference is a warning that names the element's line, and only a document that
 * is not a REFI project or codebook at all is refused.
 */
import type { Diagnostic } from '../model/types.js';
import { error, warning } from '../model/diagnostics.js';
import { child, children, type XmlElement } from './xml.js';

export interface Located {
  line: number;
  col: number;
}

export interface RefiCode extends Located {
  guid: string;
  name: string;
  codable: boolean;
  description?: string;
  children: RefiCode[];
}

export interface RefiCoding extends Located {
  guid: string;
  code: string;
  user?: string;
  notes: string[];
}

export interface RefiSelection extends Located {
  guid: string;
  name?: string;
  start: number;
  end: number;
  user?: string;
  description?: string;
  codings: RefiCoding[];
  notes: string[];
}

export interface RefiTextSource extends Located {
  guid: string;
  name?: string;
  plainTextPath?: string;
  richTextPath?: string;
  /** Inline `PlainTextContent`. */
  content?: string;
  selections: RefiSelection[];
  /** Codings of the whole source. */
  codings: RefiCoding[];
  notes: string[];
  values: RefiValue[];
  /** `pdf` when this is a PDF source's text representation. */
  from?: 'pdf';
  /** The PDF source's GUID, by which cases and sets name it. */
  alias?: string;
}

export interface RefiOtherSource {
  kind: 'picture' | 'PDF' | 'audio' | 'video';
  guid: string;
  name?: string;
  /** Selections and codings that go with it (and so are not carried). */
  codings: number;
}

export interface RefiValue {
  variable: string;
  value: string;
}

export interface RefiVariable {
  guid: string;
  name: string;
  type: string;
}

export interface RefiCase extends Located {
  guid: string;
  name?: string;
  values: RefiValue[];
  sources: string[];
  selections: string[];
  codeRefs: number;
}

export interface RefiNote extends Located {
  guid: string;
  name?: string;
  content?: string;
  plainTextPath?: string;
  /** Codes the note as a whole is coded at. */
  codes: string[];
  user?: string;
  description?: string;
  /** Selections inside the note (QualCoder's annotations: positions in the source that refers to the note). */
  spans: number;
}

export interface RefiLink {
  guid: string;
  name?: string;
  origin?: string;
  target?: string;
}

export interface RefiSet {
  guid: string;
  name: string;
  description?: string;
  codes: string[];
  /** Member sources (document groups). */
  sources: string[];
  /** Member notes. */
  notes: number;
}

export interface RefiProject {
  kind: 'project' | 'codebook';
  name?: string;
  origin?: string;
  users: Map<string, string>;
  codes: RefiCode[];
  variables: Map<string, RefiVariable>;
  cases: RefiCase[];
  sources: RefiTextSource[];
  others: RefiOtherSource[];
  notes: Map<string, RefiNote>;
  links: RefiLink[];
  sets: RefiSet[];
  graphs: number;
  /** Notes attached to the project, to codes or to sources (not to a selection). */
  looseNoteRefs: number;
}

/** `file` names the XML for diagnostics, e.g. `study.qdpx!/project.qde`. */
export function readRefi(root: XmlElement, file: string): { project?: RefiProject; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const warn = (el: Located, message: string, hint?: string) => diagnostics.push(warning('refi-invalid', message, { file, line: el.line, col: el.col }, hint));
  const kind = root.name === 'Project' ? 'project' : root.name === 'CodeBook' ? 'codebook' : undefined;
  if (!kind) {
    return { diagnostics: [error('refi-unreadable', `the root element is <${root.name}>, not a REFI-QDA <Project> or <CodeBook>`, { file, line: root.line, col: root.col })] };
  }
  // ATLAS.ti writes codebook:0:4 (a draft's namespace) in some versions; the content is the same.
  if (root.ns && !/^urn:QDA-XML:(project|codebook):/.test(root.ns)) warn(root, `unexpected namespace "${root.ns}"; reading it as QDA-XML 1.0`);
  const p: RefiProject = {
    kind,
    name: root.attrs.name,
    origin: root.attrs.origin,
    users: new Map(),
    codes: [],
    variables: new Map(),
    cases: [],
    sources: [],
    others: [],
    notes: new Map(),
    links: [],
    sets: [],
    graphs: 0,
    looseNoteRefs: children(root, 'NoteRef').length,
  };
  for (const u of children(child(root, 'Users') ?? root, 'User')) if (u.attrs.guid) p.users.set(guid(u.attrs.guid), u.attrs.name ?? u.attrs.id ?? '');
  const codes = kind === 'project' ? child(child(root, 'CodeBook') ?? root, 'Codes') : child(root, 'Codes');
  const seen = new Set<string>();
  const readCode = (el: XmlElement): RefiCode | undefined => {
    const g = el.attrs.guid ? guid(el.attrs.guid) : undefined;
    if (!g || el.attrs.name === undefined) {
      warn(el, `a <Code> without ${g ? 'a name' : 'a guid'} is skipped, with the codes below it`);
      return undefined;
    }
    if (seen.has(g)) {
      warn(el, `code guid ${g} appears twice; the second "${el.attrs.name}" is skipped`);
      return undefined;
    }
    seen.add(g);
    p.looseNoteRefs += children(el, 'NoteRef').length;
    return {
      guid: g,
      name: el.attrs.name,
      codable: !/^\s*(false|0)\s*$/i.test(el.attrs.isCodable ?? ''),
      description: textOf(child(el, 'Description')),
      children: children(el, 'Code').map(readCode).filter((c): c is RefiCode => c !== undefined),
      line: el.line,
      col: el.col,
    };
  };
  if (codes) p.codes = children(codes, 'Code').map(readCode).filter((c): c is RefiCode => c !== undefined);
  for (const v of children(child(root, 'Variables') ?? empty(), 'Variable')) {
    if (v.attrs.guid && v.attrs.name !== undefined) p.variables.set(guid(v.attrs.guid), { guid: guid(v.attrs.guid), name: v.attrs.name, type: v.attrs.typeOfVariable ?? 'Text' });
  }
  for (const c of children(child(root, 'Cases') ?? empty(), 'Case')) {
    p.cases.push({
      guid: guid(c.attrs.guid ?? ''),
      name: c.attrs.name || undefined,
      values: values(c),
      sources: children(c, 'SourceRef').map((r) => guid(r.attrs.targetGUID ?? '')),
      selections: children(c, 'SelectionRef').map((r) => guid(r.attrs.targetGUID ?? '')),
      codeRefs: children(c, 'CodeRef').length,
      line: c.line,
      col: c.col,
    });
  }
  for (const s of (child(root, 'Sources') ?? empty()).children) {
    if (s.name === 'TextSource') p.sources.push(readTextSource(s, warn));
    else if (s.name === 'PDFSource') {
      const rep = child(s, 'Representation');
      if (rep) p.sources.push({ ...readTextSource(rep, warn), name: s.attrs.name || rep.attrs.name, values: values(s), from: 'pdf', alias: guid(s.attrs.guid ?? '') });
      p.others.push({ kind: 'PDF', guid: guid(s.attrs.guid ?? ''), name: s.attrs.name, codings: countCodings(s, 'PDFSelection') });
    } else if (s.name === 'PictureSource') p.others.push({ kind: 'picture', guid: guid(s.attrs.guid ?? ''), name: s.attrs.name, codings: countCodings(s, 'PictureSelection') });
    else if (s.name === 'AudioSource') p.others.push({ kind: 'audio', guid: guid(s.attrs.guid ?? ''), name: s.attrs.name, codings: countCodings(s, 'AudioSelection') });
    else if (s.name === 'VideoSource') p.others.push({ kind: 'video', guid: guid(s.attrs.guid ?? ''), name: s.attrs.name, codings: countCodings(s, 'VideoSelection') });
  }
  for (const n of children(child(root, 'Notes') ?? empty(), 'Note')) {
    if (!n.attrs.guid) continue;
    const g = guid(n.attrs.guid);
    p.notes.set(g, {
      guid: g,
      name: n.attrs.name || undefined,
      content: child(n, 'PlainTextContent')?.text,
      plainTextPath: n.attrs.plainTextPath,
      codes: children(n, 'Coding').map((c) => guid(child(c, 'CodeRef')?.attrs.targetGUID ?? '')),
      user: n.attrs.creatingUser ? guid(n.attrs.creatingUser) : undefined,
      description: textOf(child(n, 'Description')),
      spans: children(n, 'PlainTextSelection').length,
      line: n.line,
      col: n.col,
    });
  }
  for (const l of children(child(root, 'Links') ?? empty(), 'Link')) {
    p.links.push({ guid: guid(l.attrs.guid ?? ''), name: l.attrs.name, origin: l.attrs.originGUID && guid(l.attrs.originGUID), target: l.attrs.targetGUID && guid(l.attrs.targetGUID) });
  }
  for (const s of children(child(root, 'Sets') ?? empty(), 'Set')) {
    p.sets.push({
      guid: guid(s.attrs.guid ?? ''),
      name: s.attrs.name ?? '',
      description: textOf(child(s, 'Description')),
      // A codebook's sets name members by `guid`, a project's by `targetGUID`.
      codes: children(s, 'MemberCode').map((m) => guid(m.attrs.targetGUID ?? m.attrs.guid ?? '')),
      sources: children(s, 'MemberSource').map((m) => guid(m.attrs.targetGUID ?? '')),
      notes: children(s, 'MemberNote').length,
    });
  }
  p.graphs = children(child(root, 'Graphs') ?? empty(), 'Graph').length;
  return { project: p, diagnostics };
}

function readTextSource(s: XmlElement, warn: (el: Located, message: string, hint?: string) => void): RefiTextSource {
  const selections: RefiSelection[] = [];
  for (const sel of children(s, 'PlainTextSelection')) {
    const start = integer(sel.attrs.startPosition);
    const end = integer(sel.attrs.endPosition);
    if (!sel.attrs.guid || start === undefined || end === undefined) {
      warn(sel, `a <PlainTextSelection> without ${!sel.attrs.guid ? 'a guid' : 'whole-number start and end positions'} is skipped`);
      continue;
    }
    selections.push({
      guid: guid(sel.attrs.guid),
      name: sel.attrs.name || undefined,
      start,
      end,
      user: sel.attrs.creatingUser ? guid(sel.attrs.creatingUser) : undefined,
      description: textOf(child(sel, 'Description')),
      codings: codings(sel),
      notes: children(sel, 'NoteRef').map((r) => guid(r.attrs.targetGUID ?? '')),
      line: sel.line,
      col: sel.col,
    });
  }
  return {
    guid: guid(s.attrs.guid ?? ''),
    name: s.attrs.name,
    plainTextPath: s.attrs.plainTextPath,
    richTextPath: s.attrs.richTextPath,
    content: child(s, 'PlainTextContent')?.text,
    selections,
    codings: codings(s),
    notes: children(s, 'NoteRef').map((r) => guid(r.attrs.targetGUID ?? '')),
    values: values(s),
    line: s.line,
    col: s.col,
  };
}

function codings(el: XmlElement): RefiCoding[] {
  return children(el, 'Coding').map((c) => ({
    guid: guid(c.attrs.guid ?? ''),
    code: guid(child(c, 'CodeRef')?.attrs.targetGUID ?? ''),
    user: c.attrs.creatingUser ? guid(c.attrs.creatingUser) : undefined,
    notes: children(c, 'NoteRef').map((r) => guid(r.attrs.targetGUID ?? '')),
    line: c.line,
    col: c.col,
  }));
}

function values(el: XmlElement): RefiValue[] {
  const out: RefiValue[] = [];
  for (const v of children(el, 'VariableValue')) {
    const ref = child(v, 'VariableRef')?.attrs.targetGUID;
    const value = v.children.find((c) => c.name.endsWith('Value'));
    if (ref && value) out.push({ variable: guid(ref), value: value.text.trim() });
  }
  return out;
}

function countCodings(el: XmlElement, selection: string): number {
  return children(el, 'Coding').length + children(el, selection).reduce((n, s) => n + children(s, 'Coding').length, 0);
}

/** GUIDs compare without braces or case: exporters differ in both. */
export function guid(g: string): string {
  return g.trim().replace(/^\{|\}$/g, '').toLowerCase();
}

function textOf(el: XmlElement | undefined): string | undefined {
  const t = el?.text.replace(/\r\n?/g, '\n').trim();
  return t ? t : undefined;
}

function integer(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*\d+\s*$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

function empty(): XmlElement {
  return { name: '', ns: '', attrs: {}, children: [], text: '', line: 0, col: 0 };
}
