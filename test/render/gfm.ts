import { marked, type Token } from 'marked';

// Reading Markdown back as a browser would see it: marked's GFM lexer and renderer, then the HTML taken
// apart. Only markup the renderer itself writes may appear; everything else must have been text.

/** The tokens and the HTML marked makes of a Markdown document (GFM). */
export function gfm(md: string): { tokens: Token[]; html: string } {
  const tokens = marked.lexer(md, { gfm: true });
  return { tokens, html: marked.parser(tokens, { gfm: true }) };
}

const TABLE_MARKUP = /^<\/?(?:table|thead|tbody|tr|th|td)>$|^<br>$/;
const HEADINGS = /^<\/?h[12]>$/;

/**
 * Every piece of markup in the HTML that is not a table's own (without attributes), `<br>`, or, with
 * `headings`, an `<h1>` or `<h2>`. Text is escaped by the renderer, so any other `<` is live markup:
 * `<script`, `<a href`, `<img`, `<code>`, `<em>`, `<del>`, `<!--`, `<p>` (a table that fell apart) …
 */
export function foreignMarkup(html: string, headings = false): string[] {
  return [...html.matchAll(/<[^>]*>?/g)].map((m) => m[0]).filter((t) => !TABLE_MARKUP.test(t) && !(headings && HEADINGS.test(t)));
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&' };

/** The text an element's inner HTML shows: `<br>` as LF, character references decoded (NUL as U+FFFD). */
export function htmlText(inner: string): string {
  return inner
    .replace(/<br>/g, '\n')
    .replace(/&(?:#x([0-9a-f]+)|#(\d+)|(lt|gt|quot|amp));/gi, (_, hex: string, dec: string, name: string) =>
      hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : NAMED[name.toLowerCase()],
    )
    .replace(/\0/g, '\ufffd');
}

/** Each table in the HTML as rows of cell texts, the header row first. Check foreignMarkup first. */
export function htmlTables(html: string): string[][][] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) =>
    [...t[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<(t[hd])>([\s\S]*?)<\/\1>/g)].map((c) => htmlText(c[2]))),
  );
}

/** The texts of the headings of one level, in order. */
export function htmlHeadings(html: string, level: 1 | 2): string[] {
  return [...html.matchAll(new RegExp(`<h${level}>([\\s\\S]*?)</h${level}>`, 'g'))].map((m) => htmlText(m[1]));
}

/**
 * What a table cell or heading shows of a text: line breaks as LF, NUL as U+FFFD (CommonMark replaces
 * it), and white space at either end dropped, as GFM trims cells and headings (line breaks are <br>
 * there, and U+2028/U+2029 character references, so they are not trimmed).
 */
export function shown(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/\0/g, '\ufffd')
    .replace(/^[^\S\n\u2028\u2029]+|[^\S\n\u2028\u2029]+$/g, '');
}
