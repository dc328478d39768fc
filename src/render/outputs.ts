import { error } from '../model/diagnostics.js';
import type { Matrix } from '../model/matrix.js';
import type { Diagnostic, Project, QuoteMode } from '../model/types.js';
import { csvTable, renderCsvTheme, type CsvOptions } from './csv.js';
import { renderJson, renderJsonLong } from './json.js';
import { longTable } from './long.js';
import { MANIFEST } from './manifest.js';
import { mdTable, renderMarkdown, renderMarkdownTheme } from './markdown.js';

export type Format = 'markdown' | 'csv' | 'json';
export type Layout = 'wide' | 'long';

export interface RenderOptions extends CsvOptions {
  formats: Format[];
  layout: Layout;
  quotes: QuoteMode;
}

export interface OutputFile {
  /** Path relative to the output folder, with forward slashes. */
  name: string;
  content: string;
}

const EXT: Record<Format, string> = { markdown: 'md', csv: 'csv', json: 'json' };

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

/** Every file `chart --out` writes, except the manifest. */
export function renderFiles(project: Project, matrices: Matrix[], o: RenderOptions): OutputFile[] {
  const files: OutputFile[] = [];
  for (const f of o.formats) {
    if (o.layout === 'long') {
      files.push({ name: `long.${EXT[f]}`, content: renderLong(matrices, f, o) });
      continue;
    }
    for (const m of matrices) {
      const name = `${themeSlug(m.theme.id, m.theme.label)}.${EXT[f]}`;
      const content =
        f === 'csv' ? renderCsvTheme(m, o.quotes, o) : f === 'markdown' ? renderMarkdownTheme(m, o.quotes) : renderJson([m], o.quotes, project.title);
      files.push({ name, content });
    }
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What `chart` prints on stdout in one format. */
export function renderStdout(project: Project, matrices: Matrix[], format: Format, o: RenderOptions): string {
  if (o.layout === 'long') return renderLong(matrices, format, o);
  if (format === 'markdown') return renderMarkdown(matrices, o.quotes, project.title);
  if (format === 'json') return renderJson(matrices, o.quotes, project.title);
  return renderCsvTheme(matrices[0], o.quotes, o);
}

function renderLong(matrices: Matrix[], f: Format, o: RenderOptions): string {
  const { header, rows } = longTable(matrices, o.quotes);
  if (f === 'csv') return csvTable([header, ...rows], o);
  if (f === 'json') return renderJsonLong(header, rows);
  return mdTable(header, rows);
}

