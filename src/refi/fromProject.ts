/**
 * A dtors project → REFI-QDA (QDA-XML 1.0): a project file (.qde, zipped with its sources into a .qdpx)
 * or a codebook (.qdc). Pure: strings and bytes out. Every GUID is name-based (guid.ts) and every list
 * is in project order, so the same project gives the same bytes. How each dtors field is carried, and
 * what cannot be, is in docs/refi.md.
 */
import { codePointOffset } from '../project/transcript.js';
import { oneLine } from '../project/text.js';
import type { Annotation, FrameNode, Project, Segment, Transcript } from '../model/types.js';
import { lockKeys } from '../anchor/lock.js';
import { guidFor } from './guid.js';
import { attr, hasNonXmlChars, text } from './xml.js';

export const PROJECT_NS = 'urn:QDA-XML:project:1.0';
export const CODEBOOK_NS = 'urn:QDA-XML:codebook:1.0';

/** Framework numbers ("1", "2.3") go into the code's name, where NVivo and MAXQDA users keep them. */
const NUMBERED = /^\d+(?:\.\d+)*$/;

export interface Exported {
  /** The .qde or .qdc document. */
  xml: string;
  /** Source files for the .qdpx, under `sources/`. */
  sources: { name: string; data: string }[];
  /** Things said on the way (characters XML cannot hold, fields the standard has no place for). */
  notes: string[];
}

/** The name a code gets: `1.2 Speed of access`, so the Framework number survives in any program. */
export function codeName(n: FrameNode): string {
  return NUMBERED.test(n.id) && !n.label.startsWith(`${n.id} `) ? `${n.id} ${n.label}` : n.label;
}

/**
 * The description, with the coding rules after it: REFI codes have only a description, and the rules
 * are what another coder needs to see there. `dtors import` reads them back into their fields.
 */
export function codeDescription(n: FrameNode): string | undefined {
  const rules = [n.include && `Include: ${oneLine(n.include).trim()}`, n.exclude && `Exclude: ${oneLine(n.exclude).trim()}`, n.keywords.length ? `Keywords: ${n.keywords.join(', ')}` : undefined].filter(Boolean);
  const parts = [n.description, rules.join('\n')].filter((x) => x);
  return parts.length ? parts.join('\n\n') : undefined;
}

export function exportCodebook(project: Project, origin: string): Exported {
  const out = new Writer();
  out.line(0, '<?xml version="1.0" encoding="utf-8"?>');
  out.line(0, `<CodeBook xmlns="${CODEBOOK_NS}" origin="${attr(origin)}">`);
  codes(out, project, 1);
  out.line(0, '</CodeBook>');
  return { xml: out.done(), sources: [], notes: out.notes() };
}

export function exportProject(project: Project, segments: Segment[], origin: string): Exported {
  const out = new Writer();
  const keys = lockKeys(project);
  const segmentOf = new Map<number, Segment>(segments.map((s) => [s.annotation.index, s]));
  const coders = [...new Set([...project.annotations.map((a) => a.coder), ...project.summaries.map((s) => s.coder)].filter((c): c is string => !!c))].sort();
  const user = memo((c: string) => guidFor(`user:${c}`));
  const nodeGuid = memo((id: string) => guidFor(`code:${id}`)) as (id: string) => string;

  out.line(0, '<?xml version="1.0" encoding="utf-8"?>');
  out.line(0, `<Project xmlns="${PROJECT_NS}" name="${attr(out.clean(project.title ?? 'dtors project'))}" origin="${attr(origin)}">`);
  if (coders.length) {
    out.line(1, '<Users>');
    for (const c of coders) out.line(2, `<User guid="${user(c)}" name="${attr(out.clean(c))}"/>`);
    out.line(1, '</Users>');
  }
  out.line(1, '<CodeBook>');
  codes(out, project, 2);
  out.line(1, '</CodeBook>');

  const variable = (a: string) => guidFor(`variable:${a}`);
  if (project.attributeNames.length) {
    out.line(1, '<Variables>');
    for (const a of project.attributeNames) out.line(2, `<Variable guid="${variable(a)}" name="${attr(out.clean(a))}" typeOfVariable="Text"/>`);
    out.line(1, '</Variables>');
  }
  const caseGuid = (id: string) => guidFor(`case:${id}`);
  const sourceGuid = (t: string) => guidFor(`source:${t}`);
  if (project.cases.length) {
    out.line(1, '<Cases>');
    for (const c of project.cases) {
      out.line(2, `<Case guid="${caseGuid(c.id)}" name="${attr(out.clean(c.id))}">`);
      for (const a of project.attributeNames) {
        const v = c.attributes[a];
        if (v === undefined || v === '') continue;
        out.line(3, '<VariableValue>');
        out.line(4, `<VariableRef targetGUID="${variable(a)}"/>`);
        out.line(4, `<TextValue>${text(out.clean(v))}</TextValue>`);
        out.line(3, '</VariableValue>');
      }
      for (const t of c.transcripts) if (project.transcripts.has(t)) out.line(3, `<SourceRef targetGUID="${sourceGuid(t)}"/>`);
      out.line(2, '</Case>');
    }
    out.line(1, '</Cases>');
  }

  // Passages by transcript, in text order; a passage's note becomes a Note the selection refers to.
  const byTranscript = new Map<string, { a: Annotation; s: Segment; key: string }[]>();
  for (const a of project.annotations) {
    const s = segmentOf.get(a.index);
    if (!s || s.end <= s.start) continue;
    const list = byTranscript.get(a.transcript) ?? [];
    list.push({ a, s, key: keys[a.index] });
    byTranscript.set(a.transcript, list);
  }
  const notes: { guid: string; name: string; content: string; user?: string; description?: string; code?: string }[] = [];
  const sources: { name: string; data: string }[] = [];
  const transcripts = [...project.transcripts.values()];
  if (transcripts.length) {
    out.line(1, '<Sources>');
    for (const t of transcripts) {
      const g = sourceGuid(t.id);
      sources.push({ name: `sources/${g}.txt`, data: t.text });
      const list = (byTranscript.get(t.id) ?? []).sort((x, y) => x.s.start - y.s.start || x.s.end - y.s.end || x.a.index - y.a.index);
      const open = `<TextSource guid="${g}" name="${attr(out.clean(t.id))}" plainTextPath="internal://${g}.txt"`;
      if (!list.length) {
        out.line(2, `${open}/>`);
        continue;
      }
      out.line(2, `${open}>`);
      for (const { a, s, key } of list) selection(out, t, a, s, key, user, nodeGuid, notes);
      out.line(2, '</TextSource>');
    }
    out.line(1, '</Sources>');
  }

  // Cell summaries: a note coded at its code and linked to its case (REFI cases cannot hold notes).
  const links: { guid: string; note: string; case: string }[] = [];
  for (const cs of project.summaries) {
    const g = guidFor(`summary:${cs.case}\u0000${cs.code}`);
    const label = project.frame.nodes.get(cs.code)?.label ?? cs.code;
    notes.push({ guid: g, name: `Summary: ${cs.case} × ${cs.code} ${label}`, content: cs.summary, user: user(cs.coder), description: cs.note, code: nodeGuid(cs.code) });
    links.push({ guid: guidFor(`summary-link:${cs.case}\u0000${cs.code}`), note: g, case: caseGuid(cs.case) });
  }
  if (notes.length) {
    out.line(1, '<Notes>');
    for (const n of notes) {
      out.line(2, `<Note guid="${n.guid}" name="${attr(out.clean(n.name))}"${n.user ? ` creatingUser="${n.user}"` : ''}>`);
      if (n.description) out.line(3, `<Description>${text(out.clean(n.description))}</Description>`);
      out.line(3, `<PlainTextContent>${text(out.clean(n.content))}</PlainTextContent>`);
      if (n.code) {
        out.line(3, `<Coding guid="${guidFor(`note-coding:${n.guid}`)}"${n.user ? ` creatingUser="${n.user}"` : ''}>`);
        out.line(4, `<CodeRef targetGUID="${n.code}"/>`);
        out.line(3, '</Coding>');
      }
      out.line(2, '</Note>');
    }
    out.line(1, '</Notes>');
  }
  if (links.length) {
    out.line(1, '<Links>');
    for (const l of links) out.line(2, `<Link guid="${l.guid}" name="summary of case" direction="OneWay" originGUID="${l.note}" targetGUID="${l.case}"/>`);
    out.line(1, '</Links>');
  }
  const keyed = project.annotations.filter((a) => a.key).length;
  if (keyed) out.note(`${keyed} key-quote mark${keyed === 1 ? '' : 's'} (REFI-QDA has no field for them)`);
  out.line(0, '</Project>');
  return { xml: out.done(), sources, notes: out.notes() };
}

function selection(
  out: Writer,
  t: Transcript,
  a: Annotation,
  s: Segment,
  key: string,
  user: (c: string | undefined) => string | undefined,
  nodeGuid: (id: string) => string,
  notes: { guid: string; name: string; content: string; user?: string }[],
): void {
  const u = user(a.coder);
  const start = codePointOffset(t, s.start);
  const end = codePointOffset(t, s.end);
  const name = a.id !== undefined ? ` name="${attr(out.clean(a.id))}"` : '';
  out.line(3, `<PlainTextSelection guid="${guidFor(`selection:${key}`)}"${name} startPosition="${start}" endPosition="${end}"${u ? ` creatingUser="${u}"` : ''}>`);
  if (a.summary) out.line(4, `<Description>${text(out.clean(a.summary))}</Description>`);
  out.line(4, `<Coding guid="${guidFor(`coding:${key}`)}"${u ? ` creatingUser="${u}"` : ''}>`);
  out.line(5, `<CodeRef targetGUID="${nodeGuid(a.code)}"/>`);
  out.line(4, '</Coding>');
  if (a.note) {
    const g = guidFor(`note:${key}`);
    const lines = s.startLine === s.endLine ? `${s.startLine}` : `${s.startLine}-${s.endLine}`;
    notes.push({ guid: g, name: `Note on ${t.id}:${lines}`, content: a.note, user: u });
    out.line(4, `<NoteRef targetGUID="${g}"/>`);
  }
  out.line(3, '</PlainTextSelection>');
}

function codes(out: Writer, project: Project, depth: number): void {
  out.line(depth, '<Codes>');
  const children = new Map<string, string[]>();
  const top: string[] = [];
  for (const id of project.frame.order) {
    const n = project.frame.nodes.get(id)!;
    if (n.parent === undefined) top.push(id);
    else children.set(n.parent, [...(children.get(n.parent) ?? []), id]);
  }
  const code = (id: string, d: number) => {
    const n = project.frame.nodes.get(id)!;
    const kids = children.get(id) ?? [];
    const description = codeDescription(n);
    const open = `<Code guid="${guidFor(`code:${id}`)}" name="${attr(out.clean(codeName(n)))}" isCodable="true"`;
    if (!description && !kids.length) {
      out.line(d, `${open}/>`);
      return;
    }
    out.line(d, `${open}>`);
    if (description) out.line(d + 1, `<Description>${text(out.clean(description))}</Description>`);
    for (const k of kids) code(k, d + 1);
    out.line(d, '</Code>');
  };
  for (const id of top) code(id, depth + 1);
  out.line(depth, '</Codes>');
}

class Writer {
  private readonly parts: string[] = [];
  private replaced = 0;
  private readonly said: string[] = [];

  line(depth: number, s: string): void {
    this.parts.push('  '.repeat(depth) + s + '\n');
  }

  /** Text XML 1.0 cannot hold (control characters, lone surrogates) becomes U+FFFD, counted. */
  clean(s: string): string {
    if (!hasNonXmlChars(s)) return s;
    this.replaced++;
    return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  }

  note(s: string): void {
    this.said.push(s);
  }

  notes(): string[] {
    return this.replaced ? [...this.said, `${this.replaced} text${this.replaced === 1 ? '' : 's'} with control characters XML cannot hold (each became U+FFFD)`] : this.said;
  }

  done(): string {
    return this.parts.join('');
  }
}

/** GUIDs of coders and codes are asked for once per passage: worked out once each. */
function memo(f: (key: string) => string): (key: string | undefined) => string | undefined {
  const seen = new Map<string, string>();
  return (key) => {
    if (key === undefined || key === '') return undefined;
    let v = seen.get(key);
    if (v === undefined) seen.set(key, (v = f(key)));
    return v;
  };
}

