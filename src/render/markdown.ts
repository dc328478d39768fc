import { themeTable } from './table.js';
import type { Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

/**
 * Text made safe for a GFM table cell and shown as text: pipes and backslashes escaped, `<`, `>` and
 * `&` as entities (so no HTML can run), emphasis and code marks escaped, line breaks as `<br>`.
 */
export function mdText(s: string): string {
  return s.replace(MD_SPECIAL, mdEscape);
}

const MD_SPECIAL = /[\\`*_~|&<>]|\](?=[([])|\r\n|\r|\n/g;

function mdEscape(m: string, offset: number, s: string): string {
  switch (m) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '\n':
    case '\r\n':
    case '\r':
      return '<br>';
    case '*': {
      // A key-quote mark after a line number cannot open emphasis (every other asterisk is escaped),
      // so it stays readable: P07:112-118* rather than P07:112-118\*.
      const before = s.charCodeAt(offset - 1);
      const after = s[offset + 1];
      return before >= 48 && before <= 57 && (after === ')' || after === ';') ? '*' : '\\*';
    }
    default:
      return `\\${m}`;
  }
}

/** A GFM table from a header row and body rows of plain text. */
export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`.replace(/ {2}\|/g, ' |');
  const out = [line(header.map(mdText)), line(header.map(() => '---'))];
  for (const r of rows) out.push(line(r.map(mdText)));
  return out.join('\n') + '\n';
}

/** One theme as a Markdown section: a `## 1 Theme` heading and its table. */
export function renderMarkdownTheme(m: Matrix, quotes: QuoteMode): string {
  // Lines of one cell are joined with a line break before escaping, which turns it into <br>.
  const { header, rows } = themeTable(m, quotes);
  return `## ${mdText(`${m.theme.id} ${m.theme.label}`)}\n\n${mdTable(header, rows)}`;
}

export function renderMarkdown(matrices: Matrix[], quotes: QuoteMode, title?: string): string {
  const parts = matrices.map((m) => renderMarkdownTheme(m, quotes));
  return (title ? `# ${mdText(title)}\n\n` : '') + parts.join('\n');
}
