/**
 * `dtors report`: the charts and transcripts as a static site that opens from the file system. The
 * page itself (index.html, app.js, app.css in ./browser) holds no data; the data are JavaScript files
 * that each hand one JSON value to the page (`dtorsData({...})`), loaded when a view needs them, so
 * that a study of a thousand interviews opens at once and no transcript is read before it is shown.
 * Data never become markup: the page builds every element with textContent, under a Content-Security-
 * Policy with Trusted Types that would refuse it anything else. Pure: project and charts in, files out.
 */
import type { Matrix } from '../model/matrix.js';
import type { Project, Segment } from '../model/types.js';
import { lineEnd } from '../project/transcript.js';
import { VERSION } from '../version.js';

export interface SiteInput {
  project: Project;
  segments: Segment[];
  /** Every theme's chart, with the chart's default options (marked key quotes). */
  matrices: Matrix[];
  /** Pictures for the overview: file name (an .svg), title, and what it shows in words. */
  pictures: { file: string; title: string; alt: string; svg: string }[];
}

export interface SiteFile {
  name: string;
  content: string | Uint8Array;
}

/**
 * A data file: one call of the page's loader with a JSON value (JSON is JavaScript), as UTF-8 bytes.
 * Bytes, because a thousand transcripts' data kept as strings until they are written would be copied
 * by the garbage collector over and over (the bytes live outside the JavaScript heap), and because
 * they are hashed and written as bytes anyway.
 */
function dataFile(value: unknown): Uint8Array {
  return Buffer.from(`dtorsData(${JSON.stringify(value)});\n`);
}

/**
 * The fields that say something: a coded passage often has no summary, key mark or coder, and a large
 * study's transcript data are smaller without them. The page reads a missing field as none.
 */
function given<T extends Record<string, string | boolean | undefined>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k in fields) if (fields[k] !== undefined && fields[k] !== false) out[k] = fields[k];
  return out;
}

/** The order of the fields of a theme file's rows, cells and entries, for the page to read them by. */
const THEME_LAYOUT = {
  row: ['case', 'cells'],
  cell: ['code', 'state', 'summary', 'note', 'entries'],
  entry: ['ref', 't', 'startLine', 'endLine', 'code', 'key', 'summary', 'auto', 'note', 'coder'],
  /** Fields written 1 or 0 for true or false. */
  flags: ['key', 'auto'],
};
// The page (browser/app.js, loadTheme) reads every field by these names: a field added here needs it there.

/** Transcript files are numbered, so that no id (whatever characters it has) becomes a path. */
function transcriptFile(n: number): string {
  return `data/t/${String(n).padStart(4, '0')}.js`;
}

export function buildSite(input: SiteInput): SiteFile[] {
  const { project, segments, matrices } = input;
  const transcripts = [...project.transcripts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const number = new Map(transcripts.map((t, i) => [t.id, i + 1]));
  const caseOf = new Map<string, string>();
  for (const c of project.cases) for (const t of c.transcripts) caseOf.set(t, c.id);
  const label = (code: string) => project.frame.nodes.get(code)?.label ?? '';

  const files: SiteFile[] = [];
  const coded = new Map<string, Segment[]>();
  for (const s of segments) {
    const list = coded.get(s.transcript.id) ?? [];
    list.push(s);
    coded.set(s.transcript.id, list);
  }

  // One file per transcript: its text, and every passage coded in it, for the transcript view.
  for (const t of transcripts) {
    const passages = (coded.get(t.id) ?? [])
      .map((s) => ({
        startLine: s.startLine,
        endLine: s.endLine,
        code: s.annotation.code,
        label: label(s.annotation.code),
        ...given({ key: Boolean(s.annotation.key), summary: s.annotation.summary, coder: s.annotation.coder }),
      }))
      .sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    // The text as one string, which the page splits into its `lines` lines: a third of the time of
    // writing an array of every line, for a study of a thousand transcripts.
    const text = t.lineCount ? t.text.slice(0, lineEnd(t, t.lineCount)) : '';
    files.push({ name: transcriptFile(number.get(t.id)!), content: dataFile({ kind: 'transcript', n: number.get(t.id), id: t.id, case: caseOf.get(t.id) ?? null, lines: t.lineCount, text, passages }) });
  }

  // One file per theme: its chart, cell by cell, with each entry's place in its transcript. Rows,
  // cells and entries are arrays in a fixed order (THEME_LAYOUT, which the page reads back into
  // objects): for a thousand cases a third less to write, and written in half the time.
  matrices.forEach((m, i) => {
    const rows = m.rows.map((r) => [
      r.case,
      r.cells.map((c) => [
        c.code,
        c.state,
        c.summary ?? null,
        c.note ?? null,
        c.entries.map((e) => [e.ref, number.get(e.transcript) ?? null, e.startLine, e.endLine, e.code, e.key ? 1 : 0, e.summary ?? null, e.auto ? 1 : 0, e.note ?? null, e.coder ?? null]),
      ]),
    ]);
    files.push({ name: `data/theme-${i + 1}.js`, content: dataFile({ kind: 'theme', n: i + 1, layout: THEME_LAYOUT, rows }) });
  });

  const summarised = matrices.flatMap((m) => m.rows.flatMap((r) => r.cells)).filter((c) => c.state === 'summarised' || c.state === 'cell-summary').length;
  const site = {
    kind: 'site',
    generator: { name: 'dtors', version: VERSION },
    title: project.title ?? null,
    frameTitle: project.frame.title ?? null,
    attributes: project.attributeNames,
    themes: matrices.map((m, i) => ({
      n: i + 1,
      id: m.theme.id,
      label: m.theme.label,
      description: m.theme.description ?? null,
      attributes: m.attributes,
      columns: m.columns.map((c) => ({ code: c.code, label: c.label, header: c.header, general: c.general })),
    })),
    cases: project.cases.map((c) => ({ id: c.id, attributes: Object.fromEntries(project.attributeNames.map((a) => [a, Object.hasOwn(c.attributes, a) ? c.attributes[a] : ''])), transcripts: c.transcripts })),
    transcripts: transcripts.map((t) => ({ id: t.id, n: number.get(t.id), case: caseOf.get(t.id) ?? null, lines: t.lineCount, file: transcriptFile(number.get(t.id)!) })),
    counts: {
      cases: project.cases.length,
      transcripts: transcripts.length,
      passages: segments.length,
      cells: matrices.reduce((n, m) => n + m.rows.length * m.columns.length, 0),
      coded: matrices.flatMap((m) => m.rows.flatMap((r) => r.cells)).filter((c) => c.entries.length > 0).length,
      summarised,
      cellSummaries: project.summaries.length,
    },
    pictures: input.pictures.map((p) => ({ file: p.file, title: p.title, alt: p.alt })),
  };
  files.push({ name: 'data/site.js', content: dataFile(site) });
  for (const p of input.pictures) files.push({ name: p.file, content: p.svg });
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
