/**
 * A REFI-QDA project → the files of a dtors project. Pure: the texts of the sources come in already
 * read, and the files come out as strings. What the standard can say and dtors cannot (pictures,
 * audio, links, sets, graphs …) is listed in the report, as the standard asks of an importer.
 */
import { stringify as csv } from 'csv-stringify/sync';
import { Document, isPair, isScalar, isSeq, stringify as yaml, visit } from 'yaml';
import { findWithin, foldText } from '../anchor/quote.js';
import { warning } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/types.js';
import { LONG_COLUMNS } from '../model/matrix.js';
import { floorIndex, oneLine } from '../project/text.js';
import { lineStartsOf } from '../project/transcript.js';
import type { RefiCode, RefiCoding, RefiProject, RefiSelection, RefiTextSource } from './model.js';
import { chooseReading, describeReading, READINGS, SourceText, type Reading, type Scored, type Unit } from './offsets.js';

export interface ImportOptions {
  /** Force the unit of selection offsets; line-end counting is still detected. */
  offsets?: Unit;
  /** How the file is named in the report and in dtors.yaml's comment. */
  from: string;
  /** `file` for diagnostics about the XML. */
  xmlFile: string;
}

/** A source's text, or why it could not be had. */
export type SourceTextResult = { raw: string } | { missing: string };

export interface ImportReport {
  kind: 'project' | 'codebook';
  from: string;
  origin?: string;
  counts: { transcripts: number; themes: number; codes: number; passages: number; coders: number; cases: number; summaries: number };
  reading?: { chosen: Reading; forced: boolean; scores: Scored[]; selections: number };
  /** One line per kind of thing not carried over. */
  notCarried: string[];
  /** Things carried with a change the user should know of. */
  adjusted: string[];
}

export interface ImportResult {
  files: { name: string; content: string }[];
  report: ImportReport;
  diagnostics: Diagnostic[];
}

const FRAMEWORK_NUMBER = /^(\d+(?:\.\d+)*)\.?\s+(\S[\s\S]*)$/;
const RULES = /\n*((?:^(?:Include|Exclude|Keywords): .*$\n?)+)$/m;

interface Node {
  guid?: string;
  name: string;
  codable: boolean;
  description?: string;
  children: Node[];
  id?: string;
  label?: string;
  line?: number;
  col?: number;
}

export function refiToProject(p: RefiProject, texts: Map<string, SourceTextResult>, noteTexts: Map<string, string>, opts: ImportOptions): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const notCarried: string[] = [];
  const adjusted: string[] = [];
  const at = (el: { line: number; col: number }) => ({ file: opts.xmlFile, line: el.line, col: el.col });

  const { themes, codeId, caseGuids, codeCount } = frameOf(p, adjusted);
  const frameDoc = { title: p.name || 'Imported codebook', themes: themes.map(frameNode) };

  const users = (g: string | undefined) => (g ? p.users.get(g) || undefined : undefined);

  // ---- transcripts and their reading of offsets ----
  const taken = new Set<string>();
  const transcriptOf = new Map<string, string>();
  const sourceTexts = new Map<string, SourceText>();
  const usable: RefiTextSource[] = [];
  for (const s of p.sources) {
    const got = texts.get(s.guid);
    if (!got || 'missing' in got) {
      notCarried.push(`source "${s.name ?? s.guid}": ${got && 'missing' in got ? got.missing : 'no text'}${s.selections.length ? `, so its ${s.selections.length} selection${s.selections.length === 1 ? ' is' : 's are'} not carried` : ''}`);
      continue;
    }
    const id = unique(fileId(s.name ?? '') || 'source', taken);
    transcriptOf.set(s.guid, id);
    sourceTexts.set(s.guid, new SourceText(got.raw));
    usable.push(s);
  }
  const allowed = opts.offsets ? READINGS.filter((r) => r.unit === opts.offsets) : READINGS;
  const choice = chooseReading(
    usable.map((s) => ({ text: sourceTexts.get(s.guid)!, spans: s.selections.map((x) => [x.start, x.end] as [number, number]) })),
    allowed,
  );
  const reading = choice.best;

  // ---- passages ----
  interface Row {
    id?: string;
    transcript: string;
    code: string;
    lines: string;
    quote?: string;
    summary?: string;
    note?: string;
    coder?: string;
    order: [number, number, number];
  }
  const rows: Row[] = [];
  const selectionIds = new Map<string, number>();
  for (const s of usable) for (const x of s.selections) if (x.name && x.codings.length === 1) selectionIds.set(x.name, (selectionIds.get(x.name) ?? 0) + 1);
  const noteOf = (refs: string[]) => {
    const parts = refs.map((r) => noteTexts.get(r)?.trim()).filter((t): t is string => !!t);
    return parts.length ? parts.join('\n\n') : undefined;
  };
  const usedNotes = new Set<string>();
  const usedLinks = new Set<string>();
  // Notes linked to a selection (NVivo's annotations) are notes on that passage.
  const selectionGuids = new Set(usable.flatMap((s) => s.selections.map((x) => x.guid)));
  const linkedNotes = new Map<string, string[]>();
  for (const l of p.links) {
    const [note, sel] = l.origin && p.notes.has(l.origin) ? [l.origin, l.target] : [l.target, l.origin];
    if (!note || !sel || !p.notes.has(note) || !selectionGuids.has(sel)) continue;
    linkedNotes.set(sel, [...(linkedNotes.get(sel) ?? []), note]);
    usedLinks.add(l.guid);
  }
  const caseMembers = new Map<string, Set<string>>();
  let unknownCode = 0;
  let outside = 0;
  let blank = 0;
  let empty = 0;
  let uncoded = 0;
  let moved = 0;
  const codeOf = (c: RefiCoding, source: string) => {
    if (caseGuids.has(c.code)) {
      caseMembers.set(c.code, (caseMembers.get(c.code) ?? new Set()).add(source));
      return undefined;
    }
    const id = codeId.get(c.code);
    if (!id) {
      unknownCode++;
      diagnostics.push(warning('refi-invalid', `a coding refers to code ${c.code || '(none)'}, which is not in the codebook; it is not carried`, at(c)));
    }
    return id;
  };
  usable.forEach((s, si) => {
    const st = sourceTexts.get(s.guid)!;
    const text = st.text;
    const transcript = transcriptOf.get(s.guid)!;
    const lineStarts = lineStartsOf(text);
    let folded: ReturnType<typeof foldText> | undefined;
    s.selections.forEach((x: RefiSelection, xi) => {
      // A comment on a place in the text (MAXQDA, ATLAS.ti) codes nothing.
      if (!x.codings.length) {
        uncoded++;
        return;
      }
      if (x.start === x.end) {
        empty++;
        return;
      }
      let a = st.toOffset(x.start, reading);
      let b = st.toOffset(x.end, reading);
      if (a === undefined || b === undefined || b < a) {
        outside++;
        diagnostics.push(warning('refi-invalid', `selection ${x.guid} (${x.start}-${x.end}) does not fit the text of "${s.name ?? s.guid}" (${describeReading(reading)}); it is not carried`, at(x)));
        return;
      }
      // People select a word with the space after it; the passage is the words.
      while (a < b && /\s/.test(text[a])) a++;
      while (b > a && /\s/.test(text[b - 1])) b--;
      if (a === b) {
        blank++;
        return;
      }
      const first = floorIndex(lineStarts, a) + 1;
      const last = floorIndex(lineStarts, b - 1) + 1;
      const quote = text.slice(a, b);
      folded ??= foldText(text);
      const found = findWithin(folded, quote, lineStarts[first - 1], last < lineStarts.length ? lineStarts[last] : text.length);
      if (!found || found[0] !== a) moved++;
      const refs = [...x.notes, ...x.codings.flatMap((c) => c.notes), ...(linkedNotes.get(x.guid) ?? [])];
      const note = noteOf(refs);
      refs.forEach((n) => usedNotes.add(n));
      for (const c of x.codings) {
        const code = codeOf(c, s.guid);
        if (!code) continue;
        rows.push({
          id: x.name && x.codings.length === 1 && selectionIds.get(x.name) === 1 && /^[^\s:;,*|]+$/.test(x.name) ? x.name : undefined,
          transcript,
          code,
          lines: first === last ? `${first}` : `${first}-${last}`,
          quote,
          summary: x.description,
          note,
          coder: users(c.user) ?? users(x.user),
          order: [si, a, xi],
        });
      }
    });
    // A coding of the whole source is a passage of all its lines.
    for (const c of s.codings) {
      const code = codeOf(c, s.guid);
      if (!code) continue;
      c.notes.forEach((n) => usedNotes.add(n));
      rows.push({ transcript, code, lines: `1-${Math.max(1, lineStarts.length)}`, note: noteOf(c.notes), coder: users(c.user), order: [si, -1, 0] });
    }
  });
  rows.sort((x, y) => x.order[0] - y.order[0] || x.order[1] - y.order[1] || x.order[2] - y.order[2]);
  if (outside) notCarried.push(`${outside} selection${plural(outside)} that do not fit their source's text (warnings above)`);
  if (unknownCode) notCarried.push(`${unknownCode} coding${plural(unknownCode)} to codes that are not in the codebook`);
  if (blank) adjusted.push(`${blank} selection${plural(blank)} of white space only ${blank === 1 ? 'was' : 'were'} left out`);
  if (empty) notCarried.push(`${empty} empty selection${plural(empty)} (a position in the text, no words), with their codings and comments`);
  if (uncoded) notCarried.push(`${uncoded} selection${plural(uncoded)} with no code (comments on the text)`);
  const annotationNotes = [...p.notes.values()].reduce((n, x) => n + x.spans, 0);
  if (annotationNotes) notCarried.push(`${annotationNotes} note${plural(annotationNotes)} on spans of text (annotations)`);
  if (moved) adjusted.push(`${moved} selection${plural(moved)} quote words that also occur earlier on the same lines; dtors charts them at the first occurrence (same lines, same words)`);

  // ---- cases ----
  const caseRows = casesOf(p, transcriptOf, caseMembers, notCarried, diagnostics, opts.xmlFile);

  const summaries = summariesOf(p, caseRows.cases, codeId, noteTexts, usedNotes, usedLinks, users, adjusted);

  listNotCarried(p, themes, usedNotes, usedLinks, notCarried, adjusted);

  // ---- the files ----
  const files: { name: string; content: string }[] = [];
  const coders = new Set(rows.map((r) => r.coder).filter(Boolean));
  const config: Record<string, unknown> = {
    version: 1,
    title: p.name || undefined,
    transcripts: 'transcripts/',
    frame: 'frame.yaml',
    annotations: ['annotations/*.csv'],
  };
  if (caseRows.rows.length) config.cases = 'cases.csv';
  if (summaries.length) config.summaries = 'summaries.csv';
  files.push({ name: 'dtors.yaml', content: `# Imported by dtors import from ${oneLine(opts.from)}${p.origin ? ` (${oneLine(p.origin)})` : ''}; what was not carried is in import-report.txt.\n${yaml(config)}` });
  files.push({ name: 'frame.yaml', content: frameYaml(frameDoc) });
  for (const s of usable) files.push({ name: `transcripts/${transcriptOf.get(s.guid)}.txt`, content: sourceTexts.get(s.guid)!.text });
  // A codebook comes without interviews: the folder waits for them (a .md file is not read as one).
  if (!usable.length) files.push({ name: 'transcripts/README.md', content: 'Put the interview transcripts here, one plain-text file (.txt) per interview; the file name without .txt is its id.\n' });
  for (const f of annotationFiles(rows)) files.push(f);
  if (caseRows.rows.length) files.push({ name: 'cases.csv', content: csv(caseRows.rows, { header: true, columns: ['case', 'transcripts', ...caseRows.attributes] }) });
  if (summaries.length) {
    files.push({ name: 'summaries.csv', content: csv(summaries.map((x) => [x.case, x.code, x.summary, x.note ?? '', x.coder ?? '']), { header: true, columns: ['case', 'code', 'summary', 'note', 'coder'] }) });
  }
  const report: ImportReport = {
    kind: p.kind,
    from: opts.from,
    origin: p.origin,
    counts: { transcripts: usable.length, themes: themes.length, codes: codeCount, passages: rows.length, coders: coders.size, cases: caseRows.rows.length, summaries: summaries.length },
    reading: p.kind === 'project' ? { chosen: reading, forced: opts.offsets !== undefined, scores: choice.scores, selections: choice.total } : undefined,
    notCarried,
    adjusted,
  };
  files.push({ name: 'import-report.txt', content: reportText(report) });
  return { files, report, diagnostics };
}

/**
 * The frame from the codebook: NVivo's case nodes taken out, names with `\` or `::` unflattened, a
 * flat codebook given themes, Framework ids assigned. `codeId` maps code GUIDs to frame ids.
 */
function frameOf(p: RefiProject, adjusted: string[]): { themes: Node[]; codeId: Map<string, string>; caseGuids: Set<string>; codeCount: number } {
  // NVivo writes its case nodes into the codebook too, with the cases' own GUIDs: coding at one of
  // them says which case the text belongs to, not what it is about.
  const caseGuids = new Set(p.cases.map((c) => c.guid));
  let caseNodes = 0;
  // A folder (not codable) that held only case nodes goes with them.
  const withoutCases = (codes: RefiCode[]): RefiCode[] => {
    const out: RefiCode[] = [];
    for (const c of codes) {
      if (caseGuids.has(c.guid)) {
        caseNodes++;
        continue;
      }
      const kids = withoutCases(c.children);
      if (!c.codable && c.children.length > 0 && kids.length === 0) continue;
      out.push({ ...c, children: kids });
    }
    return out;
  };
  const codebook = withoutCases(p.codes);
  if (caseNodes) adjusted.push(`${caseNodes} code${plural(caseNodes)} that are the project's cases (NVivo case nodes) were read as case membership, not as codes`);
  const tree = unflatten(codebook.map(toNode), adjusted);
  const themes = themesOf(tree, p, adjusted);
  assignIds(themes);
  const codeId = new Map<string, string>();
  const depth = new Map<string, number>();
  const walk = (n: Node, d: number) => {
    if (n.guid) codeId.set(n.guid, n.id!);
    depth.set(n.id!, d);
    n.children.forEach((c) => walk(c, d + 1));
  };
  themes.forEach((t) => walk(t, 0));
  return { themes, codeId, caseGuids, codeCount: depth.size };
}

function toNode(c: RefiCode): Node {
  return { guid: c.guid, name: c.name, codable: c.codable, description: c.description, children: c.children.map(toNode), line: c.line, col: c.col };
}


/**
 * Cell summaries: notes coded at one code as a whole and linked to one case (as dtors export writes
 * them). Notes and links taken are added to `usedNotes` and `usedLinks`.
 */
function summariesOf(
  p: RefiProject,
  cases: { guid: string; id: string }[],
  codeId: Map<string, string>,
  noteTexts: Map<string, string>,
  usedNotes: Set<string>,
  usedLinks: Set<string>,
  users: (g: string | undefined) => string | undefined,
  adjusted: string[],
): { case: string; code: string; summary: string; note?: string; coder?: string }[] {
  const caseOfGuid = new Map(cases.map((c) => [c.guid, c.id]));
  const summaries: { case: string; code: string; summary: string; note?: string; coder?: string }[] = [];
  const cells = new Set<string>();
  const linksOf = new Map<string, typeof p.links>();
  for (const l of p.links) {
    for (const end of [l.origin, l.target]) {
      if (!end) continue;
      const list = linksOf.get(end);
      if (list) list.push(l);
      else linksOf.set(end, [l]);
    }
  }
  for (const n of p.notes.values()) {
    if (usedNotes.has(n.guid) || n.codes.length !== 1) continue;
    const links = (linksOf.get(n.guid) ?? []).filter((l) => (l.origin === n.guid && l.target && caseOfGuid.has(l.target)) || (l.target === n.guid && l.origin && caseOfGuid.has(l.origin)));
    const code = codeId.get(n.codes[0]);
    if (links.length !== 1 || !code) continue;
    const l = links[0];
    const caseId = caseOfGuid.get(l.origin === n.guid ? l.target! : l.origin!)!;
    const text = noteTexts.get(n.guid)?.trim();
    if (!text) continue;
    if (cells.has(`${caseId}\u0000${code}`)) {
      adjusted.push(`a second summary note for case ${caseId}, code ${code} ("${n.name ?? n.guid}") was left out`);
      continue;
    }
    cells.add(`${caseId}\u0000${code}`);
    usedLinks.add(l.guid);
    usedNotes.add(n.guid);
    summaries.push({ case: caseId, code, summary: text, note: n.description, coder: users(n.user) });
  }
  return summaries;
}

/** What the standard can hold and dtors cannot, for the report. */
function listNotCarried(p: RefiProject, themes: Node[], usedNotes: Set<string>, usedLinks: Set<string>, notCarried: string[], adjusted: string[]): void {
  for (const kind of ['picture', 'audio', 'video', 'PDF'] as const) {
    const of = p.others.filter((o) => o.kind === kind);
    if (!of.length) continue;
    const codings = of.reduce((n, o) => n + o.codings, 0);
    const names = of.slice(0, 5).map((o) => `"${o.name ?? o.guid}"`).join(', ') + (of.length > 5 ? ', …' : '');
    const rep = kind === 'PDF' ? `; the text representation, where the PDF has one, is imported as a transcript` : '';
    notCarried.push(`${of.length} ${kind} source${plural(of.length)} (${names}) with ${codings} coding${plural(codings)} of regions or times${rep}`);
  }
  const otherNotes = [...p.notes.values()].filter((n) => !usedNotes.has(n.guid)).length;
  if (otherNotes) notCarried.push(`${otherNotes} note${plural(otherNotes)} (memos) not attached to a coded passage or a cell`);
  if (p.looseNoteRefs) notCarried.push(`${p.looseNoteRefs} note reference${plural(p.looseNoteRefs)} from the project, codes or sources`);
  const links = p.links.filter((l) => !usedLinks.has(l.guid)).length;
  if (links) notCarried.push(`${links} link${plural(links)} between objects`);
  // Sets of sources became attributes; sets of codes, themes of a flat codebook (or nothing).
  const codeSetsUsed = themes.some((t) => t.guid?.startsWith('set:'));
  const lostSets = p.sets.filter((x) => !x.sources.length && (x.codes.length ? !codeSetsUsed : true));
  if (lostSets.length) notCarried.push(`${lostSets.length} set${plural(lostSets.length)} of codes or notes (${lostSets.slice(0, 5).map((x) => `"${x.name}"`).join(', ')}${lostSets.length > 5 ? ', …' : ''})`);
  const setAttributes = p.sets.filter((x) => x.sources.length).length;
  if (setAttributes) adjusted.push(`${setAttributes} document group${plural(setAttributes)} became case attributes ("gender: male" gives gender = male; others are listed in a "groups" column)`);
  if (p.graphs) notCarried.push(`${p.graphs} graph${plural(p.graphs)} (network views)`);
  const caseCodes = p.cases.reduce((n, c) => n + c.codeRefs, 0);
  if (caseCodes) notCarried.push(`${caseCodes} code reference${plural(caseCodes)} on cases`);
}

/** Below the 16 MB a CSV file may have, with room for hand edits. */
const CSV_CHUNK = 8 * 1024 * 1024;
const ANNOTATION_COLUMNS = ['id', 'transcript', 'code', 'lines', 'quote', 'summary', 'note', 'key', 'coder'];

/**
 * The coding, one file per coder (what `dtors agree --a/--b` compares), `imported.csv` for codings
 * without a user; a coder's file is split into numbered parts where it would pass 8 MB.
 */
function annotationFiles(rows: { id?: string; transcript: string; code: string; lines: string; quote?: string; summary?: string; note?: string; coder?: string }[]): { name: string; content: string }[] {
  const byCoder = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = r.coder ?? '';
    const list = byCoder.get(k);
    if (list) list.push(r);
    else byCoder.set(k, [r]);
  }
  if (!byCoder.size) byCoder.set('', []);
  const taken = new Set<string>();
  const out: { name: string; content: string }[] = [];
  for (const [coder, list] of byCoder) {
    const base = unique(coder ? fileId(coder) || 'coder' : 'imported', taken);
    const cells = list.map((r) => [r.id ?? '', r.transcript, r.code, r.lines, r.quote ?? '', r.summary ?? '', r.note ?? '', '', r.coder ?? '']);
    const parts: string[][][] = [[]];
    let size = 0;
    for (const c of cells) {
      const bytes = c.reduce((n, x) => n + Buffer.byteLength(x) + 3, 1);
      if (size + bytes > CSV_CHUNK && parts[parts.length - 1].length) {
        parts.push([]);
        size = 0;
      }
      parts[parts.length - 1].push(c);
      size += bytes;
    }
    parts.forEach((part, i) => {
      const name = parts.length === 1 ? base : `${base}-${String(i + 1).padStart(3, '0')}`;
      out.push({ name: `annotations/${name}.csv`, content: csv(part, { header: true, columns: ANNOTATION_COLUMNS }) });
    });
  }
  return out;
}

/**
 * Programs without nested codes (Taguette, older exports) write the hierarchy into the name:
 * `interesting\places` or `Needs::Speed`. Such a name becomes a code under its parent, the parent
 * made (not codable) where the codebook does not have it.
 */
function unflatten(nodes: Node[], adjusted: string[]): Node[] {
  const out: Node[] = [];
  let split = 0;
  for (const n of nodes) {
    n.children = unflatten(n.children, adjusted);
    const parts = n.name.includes('\\') || n.name.includes('::') ? n.name.split(/\\|::/).map((x) => x.trim()).filter(Boolean) : [n.name];
    if (parts.length < 2) {
      const same = out.find((o) => !o.guid && o.name === n.name);
      // A parent made for an earlier split name turns out to be a real code: the real one takes its place.
      if (same) {
        Object.assign(same, { ...n, children: [...same.children, ...n.children] });
        continue;
      }
      out.push(n);
      continue;
    }
    split++;
    let level = out;
    for (const part of parts.slice(0, -1)) {
      let parent = level.find((o) => o.name === part);
      if (!parent) {
        parent = { name: part, codable: false, children: [] };
        level.push(parent);
      }
      level = parent.children;
    }
    level.push({ ...n, name: parts[parts.length - 1] });
  }
  if (split) adjusted.push(`${split} code name${split === 1 ? '' : 's'} with "\\" or "::" read as a path in the hierarchy`);
  return out;
}

/**
 * Top-level codes are themes. A flat codebook (no code has codes below it) would make every code a
 * chart of one column, so it is given themes: its sets, when every code is in exactly one set (ATLAS.ti
 * code groups), otherwise one theme holding every code.
 */
function themesOf(tree: Node[], p: RefiProject, adjusted: string[]): Node[] {
  if (tree.length === 0 || tree.some((n) => n.children.length > 0)) return tree;
  const inSets = new Map<string, number>();
  for (const set of p.sets) for (const c of set.codes) inSets.set(c, (inSets.get(c) ?? 0) + 1);
  if (p.sets.length && tree.every((n) => n.guid && inSets.get(n.guid) === 1)) {
    adjusted.push(`the codebook is flat: its ${p.sets.length} set${plural(p.sets.length)} became themes`);
    return p.sets
      .map((set) => ({ guid: `set:${set.guid}`, name: set.name || 'Set', codable: false, description: set.description, children: tree.filter((n) => set.codes.includes(n.guid!)) }))
      .filter((t) => t.children.length);
  }
  adjusted.push('the codebook is flat: its codes became the sub-themes of one theme, "All codes"');
  return [{ name: 'All codes', codable: false, description: 'Made by dtors import: the codebook had no hierarchy', children: tree }];
}

/**
 * Framework ids. A name that starts with a number in the frame's own scheme keeps it as its id: "3.
 * Values" at the top, "3.2 Trust" under code 3, provided no sibling claims the same. Every other code
 * is numbered by its place under its parent (theme 4, its third sub-theme 4.3), skipping numbers
 * taken, and keeps its whole name as its label: "9. Self-interest" under code 16 is code 16.9.
 */
function assignIds(themes: Node[]): void {
  const taken = new Set<string>();
  const level = (list: Node[], parent: string | undefined) => {
    const fits = list.map((n) => {
      const m = FRAMEWORK_NUMBER.exec(n.name);
      if (!m) return undefined;
      const ok = parent === undefined ? !m[1].includes('.') : m[1].startsWith(`${parent}.`) && m[1].split('.').length === parent.split('.').length + 1;
      return ok ? m : undefined;
    });
    const claims = new Map<string, number>();
    for (const m of fits) if (m) claims.set(m[1], (claims.get(m[1]) ?? 0) + 1);
    list.forEach((n, i) => {
      const m = fits[i];
      if (m && claims.get(m[1]) === 1 && !taken.has(m[1])) {
        n.id = m[1];
        n.label = m[2].trim();
        taken.add(n.id);
      } else n.label = n.name.trim() || '(unnamed code)';
    });
    const prefix = parent === undefined ? '' : `${parent}.`;
    list.forEach((n, i) => {
      if (n.id) return;
      let k = i + 1;
      while (taken.has(`${prefix}${k}`)) k++;
      n.id = `${prefix}${k}`;
      taken.add(n.id);
    });
    for (const n of list) level(n.children, n.id);
  };
  level(themes, undefined);
}

function frameNode(n: Node): Record<string, unknown> {
  const out: Record<string, unknown> = { id: n.id, label: n.label };
  let description = n.description;
  // The coding rules dtors export writes into a description come back as fields.
  const rules = description ? RULES.exec(description) : null;
  if (description && rules) {
    description = description.slice(0, rules.index).trim() || undefined;
    for (const line of rules[1].split('\n')) {
      const m = /^(Include|Exclude|Keywords): (.*)$/.exec(line);
      if (!m) continue;
      if (m[1] === 'Keywords') out.keywords = m[2].split(/,\s*/).map((k) => k.trim()).filter(Boolean);
      else out[m[1].toLowerCase()] = m[2].trim();
    }
  }
  const ordered: Record<string, unknown> = { id: out.id, label: out.label };
  if (description) ordered.description = description;
  for (const k of ['include', 'exclude', 'keywords']) if (out[k] !== undefined) ordered[k] = out[k];
  if (n.children.length) ordered.subthemes = n.children.map(frameNode);
  return ordered;
}

/** frame.yaml as a person would write it: ids quoted, keyword lists on one line. */
function frameYaml(frame: object): string {
  const doc = new Document(frame);
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key)) return;
      if (pair.key.value === 'keywords' && isSeq(pair.value)) pair.value.flow = true;
      // Quoted ids: YAML reads an unquoted 1.10 as the number 1.1.
      if (pair.key.value === 'id' && isScalar(pair.value)) pair.value.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function casesOf(
  p: RefiProject,
  transcriptOf: Map<string, string>,
  members: Map<string, Set<string>>,
  notCarried: string[],
  diagnostics: Diagnostic[],
  xmlFile: string,
): { rows: string[][]; attributes: string[]; cases: { guid: string; id: string }[] } {
  const columnOf = new Map<string, string>();
  const reserved = new Set(['case', 'transcripts', ...LONG_COLUMNS]);
  const usedColumns = new Set<string>();
  // Keyed by variable GUID, or by `set:NAME` for attributes that come from document groups.
  const column = (variable: string) => {
    let c = columnOf.get(variable);
    if (c) return c;
    const name = (variable.startsWith('set:') ? variable.slice(4) : p.variables.get(variable)?.name.trim()) || 'variable';
    c = reserved.has(name.toLowerCase()) ? `${name} (variable)` : name;
    for (let k = 2; usedColumns.has(c.toLowerCase()); k++) c = `${name} (${k})`;
    usedColumns.add(c.toLowerCase());
    columnOf.set(variable, c);
    return c;
  };
  const selectionSource = new Map<string, string>();
  for (const s of p.sources) for (const x of s.selections) selectionSource.set(x.guid, s.guid);
  // Cases and sets name a PDF by its own GUID; its text is the representation's.
  const alias = new Map(p.sources.filter((s) => s.alias).map((s) => [s.alias!, s.guid]));
  const real = (g: string) => alias.get(g) ?? g;
  const owner = new Map<string, string>();
  const taken = new Set<string>();
  const cases: { guid: string; id: string; transcripts: string[]; values: Map<string, string> }[] = [];
  let twice = 0;
  for (const c of p.cases) {
    const sources = [...new Set([...c.sources.map(real), ...c.selections.map((x) => selectionSource.get(x) ?? ''), ...(members.get(c.guid) ?? [])])].filter((g) => transcriptOf.has(g));
    // Some programs write an unnamed case per document only to carry its variables.
    const base = c.name ? caseId(c.name) : sources.length === 1 ? transcriptOf.get(sources[0])! : '';
    const id = unique(base || 'case', taken);
    const mine: string[] = [];
    for (const g of sources) {
      if (owner.has(g)) {
        twice++;
        diagnostics.push(warning('refi-invalid', `source "${transcriptOf.get(g)}" is in case "${owner.get(g)}" and in case "${id}"; dtors keeps it in the first`, { file: xmlFile, line: c.line, col: c.col }));
        continue;
      }
      owner.set(g, id);
      mine.push(transcriptOf.get(g)!);
    }
    const values = new Map<string, string>();
    for (const v of c.values) values.set(column(v.variable), v.value);
    cases.push({ guid: c.guid, id, transcripts: mine, values });
  }
  if (twice) notCarried.push(`${twice} membership${plural(twice)} of a source in a second case`);
  // Document groups are attributes: ATLAS.ti names them "gender: male" (attribute and value); any other
  // group's name goes into a "groups" column of the sources in it.
  const grouped = new Map<string, { variable: string; value: string }[]>();
  for (const set of p.sets) {
    const m = /^\s*([^:]+?)\s*::?\s*(\S.*?)\s*$/.exec(set.name);
    const [variable, value] = m ? [`set:${m[1]}`, m[2]] : ['set:groups', set.name.trim()];
    for (const g of set.sources.map(real)) grouped.set(g, [...(grouped.get(g) ?? []), { variable, value }]);
  }
  // Document variables and groups go to the source's case (where the case has no value of its own), or make one.
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const s of p.sources) {
    const t = transcriptOf.get(s.guid);
    if (!t) continue;
    let c = byId.get(owner.get(s.guid) ?? '');
    if (!c && (s.values.length || cases.length || p.variables.size || grouped.size)) {
      c = { guid: `source:${s.guid}`, id: unique(caseId(t), taken), transcripts: [t], values: new Map() };
      owner.set(s.guid, c.id);
      byId.set(c.id, c);
      cases.push(c);
    }
    if (!c) continue;
    for (const v of s.values) if (!c.values.has(column(v.variable))) c.values.set(column(v.variable), v.value);
    const fromSets = new Map<string, string[]>();
    for (const { variable, value } of grouped.get(s.guid) ?? []) fromSets.set(variable, [...(fromSets.get(variable) ?? []), value]);
    for (const [variable, values] of fromSets) {
      const col = column(variable);
      const had = c.values.get(col);
      c.values.set(col, [...new Set([...(had ? had.split('; ') : []), ...values])].join('; '));
    }
  }
  // Columns in the order the project declares its variables, then any it uses without declaring.
  const declared = [...p.variables.keys()].filter((v) => columnOf.has(v)).map((v) => columnOf.get(v)!);
  const attributes = [...declared, ...[...columnOf.values()].filter((c) => !declared.includes(c))];
  const rows = cases.map((c) => [c.id, c.transcripts.join(';'), ...attributes.map((a) => c.values.get(a) ?? '')]);
  return { rows, attributes, cases };
}

function reportText(r: ImportReport): string {
  const c = r.counts;
  const lines = [`Imported from ${oneLine(r.from)}${r.origin ? ` (made by ${oneLine(r.origin)})` : ''}:`];
  if (r.kind === 'codebook') lines.push(`  a codebook: ${c.codes} code${plural(c.codes)} in ${c.themes} theme${plural(c.themes)}`);
  else lines.push(`  ${c.transcripts} transcript${plural(c.transcripts)}, ${c.codes} code${plural(c.codes)} in ${c.themes} theme${plural(c.themes)}, ${c.passages} coded passage${plural(c.passages)} by ${c.coders} coder${plural(c.coders)}, ${c.cases} case${plural(c.cases)}, ${c.summaries} cell summar${c.summaries === 1 ? 'y' : 'ies'}`);
  if (r.reading && r.reading.selections) {
    const best = r.reading.scores.find((x) => x.reading === r.reading!.chosen)!;
    const rest = r.reading.scores.filter((x) => x !== best);
    // Without emoji or CRLF in the sources every reading gives the same positions.
    const others = rest.every((x) => x.fit === best.fit && x.inside === best.inside) ? 'the other readings give the same positions on these texts' : rest.map((x) => `${describeReading(x.reading)}: ${x.fit}`).join('; ');
    lines.push(
      `  selection offsets read as ${describeReading(r.reading.chosen)}${r.reading.forced ? ' (unit as asked)' : ''}: ${best.fit} of ${r.reading.selections} selections fall on word boundaries${others ? ` (${others})` : ''}`,
    );
  }
  if (r.adjusted.length) lines.push('Changed on the way:', ...r.adjusted.map((x) => `  - ${x}`));
  lines.push(r.notCarried.length ? 'Not carried (dtors has no place for these):' : 'Everything in the file was carried.');
  lines.push(...r.notCarried.map((x) => `  - ${x}`));
  lines.push('Not carried by design: code colours, creation and modification dates, and user ids other than names.');
  return lines.join('\n') + '\n';
}

/** A transcript id that is also a safe file name on every system: no separators, reserved or control characters. */
export function fileId(name: string): string {
  return name
    .normalize('NFC')
    .replace(/\.(txt|docx?|rtf|odt|pdf)$/i, '')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*;,]+/g, '-')
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
}

function caseId(name: string): string {
  return fileId(name);
}

/** `base`, or `base-2`, `base-3` … : unique without regard to case, since file names on Windows and macOS are. */
function unique(base: string, taken: Set<string>): string {
  let id = base;
  for (let k = 2; taken.has(id.toLowerCase()); k++) id = `${base}-${k}`;
  taken.add(id.toLowerCase());
  return id;
}


function plural(n: number): string {
  return n === 1 ? '' : 's';
}
