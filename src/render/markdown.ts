import { themeTable, type TableOf } from './table.js';
import type { Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

/**
 * Text made safe for a GFM table cell and shown as text: pipes and backslashes escaped, `<`, `>` and
 * `&` as entities (so no HTML can run), emphasis, strikethrough, code and link marks escaped, bare URLs
 * and e-mail addresses kept from turning into links, line breaks as `<br>`.
 */
export function mdText(s: string): string {
  const out = s.replace(MD_SPECIAL, mdEscape);
  // Most cells hold no address: the look-behinds below are only run where one might be.
  return LINKISH.test(out) ? out.replace(LINK_MARKS, '\\$&') : out;
}

/**
 * What would make a cell anything but text. Besides the inline marks and `<` `>` `&`:
 * - `]` before `(` or `[`: a link or image (`[x](javascript:…)`, `![x](y)`, `[x][ref]`);
 * - `:` before `//`, `.` after `www`, `@` after a character of an e-mail address: GFM's extended
 *   autolinks (`http://…`, `HTTP://…`, `ftp://…`, `www.…`, `a@b.org`, `mailto:a@b.org`) need these
 *   characters unescaped, so a backslash before them keeps the text a text (GitHub's cmark-gfm looks
 *   for e-mail addresses after escapes are resolved and still links them: a `mailto:` link runs nothing);
 * - U+2028 and U+2029: JavaScript regular expressions (and so marked) take them for line ends, which
 *   split the table row; written as character references they stay in the cell as characters.
 * Block syntax (`#`, `>`, `-`, `1.`, `---`, `===`) cannot start inside a table row, which begins with `|`.
 */
const MD_SPECIAL = /[\\`*_~|&<>\u2028\u2029]|\](?=[([])|\r\n|\r|\n/g;
const LINKISH = /:\/\/|www\.|@/i;
const LINK_MARKS = /:(?=\/\/)|(?<=www)\.|(?<=[A-Za-z0-9._+-])@/gi;

function mdEscape(m: string, offset: number, s: string): string {
  switch (m) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '\u2028':
      return '&#x2028;';
    case '\u2029':
      return '&#x2029;';
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

/**
 * A one-line ATX heading whose text renders as text: escaped as a cell is, and with a trailing run of
 * `#` escaped, which would otherwise be taken for the optional closing sequence and dropped. (White
 * space here is any: marked trims a no-break space before it looks for the closing sequence.)
 */
export function mdHeading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${mdText(text).replace(/(^|\s)#(#*\s*)$/, '$1\\#$2')}`;
}

/** A GFM table from a header row and body rows of plain text. */
export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`.replace(/ {2}\|/g, ' |');
  const out = [line(header.map(mdText)), line(header.map(() => '---'))];
  for (const r of rows) out.push(line(r.map(mdText)));
  return out.join('\n') + '\n';
}

/** One theme as a Markdown section: a `## 1 Theme` heading and its table. */
export function renderMarkdownTheme(m: Matrix, quotes: QuoteMode, table: TableOf = themeTable): string {
  // Lines of one cell are joined with a line break before escaping, which turns it into <br>.
  const { header, rows } = table(m, quotes);
  return `${mdHeading(2, `${m.theme.id} ${m.theme.label}`)}\n\n${mdTable(header, rows)}`;
}

export function renderMarkdown(matrices: Matrix[], quotes: QuoteMode, title?: string, table: TableOf = themeTable): string {
  const parts = matrices.map((m) => renderMarkdownTheme(m, quotes, table));
  return (title ? `${mdHeading(1, title)}\n\n` : '') + parts.join('\n');
}
