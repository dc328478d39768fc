import { error } from '../model/diagnostics.js';
import type { Matrix } from '../model/matrix.js';
import type { Diagnostic, Project, QuoteMode } from '../model/types.js';
import { csvTable, renderCsvTheme, type CsvOptions } from './csv.js';
import { renderJson, renderJsonLong } from './json.js';
import { longTable } from './long.js';
import { MANIFEST } from './manifest.js';
import { mdTable, renderMarkdown, renderMarkdownTheme } from './markdown.js';
import { themeTable, type TableOf } from './table.js';
import { cellLines } from '../chart/cellText.js';
import { templateLines, templateTable } from '../chart/template.js';

export type Format = 'markdown' | 'csv' | 'json' | 'xlsx';
export type Layout = 'wide' | 'long';

export interface RenderOptions extends CsvOptions {
  formats: Format[];
  layout: Layout;
  quotes: QuoteMode;
  /** The charting template (chart/template.ts) instead of the chart. */
  template?: boolean;
}

export interface OutputFile {
  /** Path relative to the output folder, with forward slashes. */
  name: string;
  content: string | Uint8Array;
}

const EXT: Record<Format, string> = { markdown: 'md', csv: 'csv', json: 'json', xlsx: 'xlsx' };

/** The one workbook `--format xlsx` writes, every theme a sheet. */
export const WORKBOOK = 'charts.xlsx';

/** `1-needs-from-drug-treatment`: a theme's file name stem, ASCII only, stable across machines. */
export function themeSlug(id: string, label: string): string {
  const ascii = `${id} ${label}`.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '') || 'theme';
}

/**
 * Two themes whose names slug to the same file would overwrite each other's chart, and a theme named
 * "manifest" would overwrite the manifest (with `-f json`).
 */
export function slugClashes(project: Project): Diagnostic[] {
  const seen = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const t of project.frame.themes) {
    const slug = themeSlug(t.id, t.label);
    const prev = seen.get(slug);
    if (slug === MANIFEST.replace(/\.json$/, '')) {
      out.push(error('file-name-clash', `theme ${t.id} would be written to ${slug}.*, where the manifest is written`, project.frame.nodes.get(t.id)!.pos, 'give it a different id or label'));
    } else if (prev !== undefined) {
      out.push(error('file-name-clash', `themes ${prev} and ${t.id} would both be written to ${slug}.*`, project.frame.nodes.get(t.id)!.pos, 'give one of them a different id or label'));
    } else seen.set(slug, t.id);
  }
  return out;
}

/**
 * Every text file `chart --out` writes, except the manifest (the workbook is made apart, as making it
 * takes a promise: see render/xlsx.ts).
 */
export function renderFiles(project: Project, matrices: Matrix[], o: RenderOptions): OutputFile[] {
  const files: OutputFile[] = [];
  const table = tableOf(o);
  for (const f of o.formats) {
    if (f === 'xlsx') continue;
    if (o.layout === 'long') {
      files.push({ name: `long.${EXT[f]}`, content: renderLong(matrices, f, o) });
      continue;
    }
    for (const m of matrices) {
      const name = `${themeSlug(m.theme.id, m.theme.label)}.${EXT[f]}`;
      const content =
        f === 'csv'
          ? renderCsvTheme(m, o.quotes, o, table)
          : f === 'markdown'
            ? renderMarkdownTheme(m, o.quotes, table)
            : renderJson([m], o.quotes, project.title, o.template ? templateLines : cellLines);
      files.push({ name, content });
    }
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The table of text each theme becomes. */
export function tableOf(o: Pick<RenderOptions, 'template'>): TableOf {
  return o.template ? templateTable : themeTable;
}

/** What `chart` prints on stdout in one format. */
export function renderStdout(project: Project, matrices: Matrix[], format: Format, o: RenderOptions): string {
  if (o.layout === 'long') return renderLong(matrices, format, o);
  if (format === 'markdown') return renderMarkdown(matrices, o.quotes, project.title, tableOf(o));
  if (format === 'json') return renderJson(matrices, o.quotes, project.title, o.template ? templateLines : cellLines);
  return renderCsvTheme(matrices[0], o.quotes, o, tableOf(o));
}

function renderLong(matrices: Matrix[], f: Format, o: RenderOptions): string {
  const { header, rows } = longTable(matrices, o.quotes);
  if (f === 'csv') return csvTable([header, ...rows], o);
  if (f === 'json') return renderJsonLong(header, rows);
  return mdTable(header, rows);
}

