/** `dtors stats` tables as Markdown, CSV and JSON. */
import type { StatTable, StatValue, StatView } from '../stats/types.js';
import { csvTable, type CsvOptions } from './csv.js';
import { mdHeading, mdTable, mdText } from './markdown.js';

export const STATS_SCHEMA_VERSION = 1;

/** Rows shown per table in Markdown where a view has a long list (the strongest pairs). */
const MARKDOWN_ROWS: Record<string, number> = { pairs: 20 };

function text(v: StatValue, markdown: boolean): string {
  if (v === null) return '';
  if (typeof v === 'number') return markdown && v > 0 && v < 0.0001 ? '< 0.0001' : String(v);
  return v;
}

export function renderStatsMarkdown(view: StatView): string {
  const parts = [mdHeading(1, view.title), ''];
  if (view.filters.length) parts.push(mdText(`Filters: ${view.filters.join('; ')}`), '');
  for (const t of view.tables) {
    const limit = MARKDOWN_ROWS[t.name];
    const rows = limit ? t.rows.slice(0, limit) : t.rows;
    parts.push(mdHeading(2, t.title), '');
    parts.push(rows.length ? mdTable(t.columns, rows.map((r) => r.map((v) => text(v, true)))) : '(none)\n');
    if (limit && t.rows.length > limit) parts.push(`The ${limit} strongest of ${t.rows.length}; --format json or csv lists all.`, '');
    for (const n of t.notes ?? []) parts.push(n, '');
  }
  return parts.join('\n').replace(/\n+$/, '\n');
}

/** The tables of a view that CSV can hold, one per file. */
export function csvSections(view: StatView): string[] {
  return view.tables.map((t) => t.name);
}

export function renderStatsCsv(view: StatView, section: string | undefined, o: CsvOptions = {}): string {
  const t: StatTable = section ? view.tables.find((x) => x.name === section)! : view.tables[0];
  return csvTable([t.columns, ...t.rows.map((r) => r.map((v) => text(v, false)))], o);
}

export function renderStatsJson(view: StatView): string {
  const doc = {
    schemaVersion: STATS_SCHEMA_VERSION,
    view: view.view,
    title: view.title,
    filters: view.filters,
    tables: view.tables.map((t) => ({ name: t.name, title: t.title, columns: t.columns, rows: t.rows, notes: t.notes ?? [] })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
