/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The page is driven from here: the functions passed to page.evaluate() run in the browser.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, EXAMPLE, runBinary, runInProcess, snapshotDir, tempDir, writeProject } from '../helpers.js';

/** What a data file hands the page. */
function data(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  const m = /^dtorsData\((.*)\);\n$/s.exec(text);
  expect(m, file).not.toBeNull();
  return JSON.parse(m![1]);
}

// Text that would run if it ever became markup, or script, or a link.
const PWN = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '"><svg onload="window.__pwned = \'svg\'">',
  "javascript:window.__pwned = 'link'",
  '</script><script>window.__pwned = "close"</script>',
  '\u202eevil\u202c and \u0007 bell',
];
const TRANSCRIPT = `P<img src=x onerror="window.__pwned='id'">`;

function hostileProject(): string {
  const yaml = (s: string) => JSON.stringify(s);
  return writeProject({
    'dtors.yaml': `version: 1\ntitle: ${yaml(PWN[0])}\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: cases.csv\nsummaries: summaries.csv\n`,
    'frame.yaml': `title: ${yaml(PWN[2])}\nthemes:\n  - id: "1"\n    label: ${yaml(PWN[1])}\n    subthemes:\n      - id: "1.1"\n        label: ${yaml(PWN[3])}\n      - id: "1.2"\n        label: Support\n`,
    't/P1.txt': `INT: Hello?\nRESP: ${PWN[0]} I said.\nRESP: ${PWN[1]} and ${PWN[4]}\n`,
    't/P2.txt': null,
    [`t/${TRANSCRIPT}.txt`]: `INT: Hello?\nRESP: ${PWN[5]}\n`,
    'a.csv': stringify([
      ['transcript', 'code', 'lines', 'summary', 'note', 'key'],
      ['P1', '1.1', '2', PWN[2], PWN[3], 'yes'],
      ['P1', '1.2', '3', PWN[4], '', ''],
      [TRANSCRIPT, '1.1', '2', PWN[1], PWN[0], ''],
    ]),
    'cases.csv': stringify([
      ['case', 'transcripts', 'route'],
      ['P1', 'P1', PWN[1]],
      ['P2', TRANSCRIPT, 'ok'],
    ]),
    'summaries.csv': stringify([
      ['case', 'code', 'summary', 'note'],
      ['P1', '1.2', PWN[3], PWN[2]],
    ]),
  });
}

describe('dtors report (files)', () => {
  it('writes the page, a data file per theme and transcript, and the same bytes every time', async () => {
    const dir = tempDir();
    const r = await runInProcess(['report', EXAMPLE, '--out', join(dir, 'a')], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^dtors: wrote the report to a \(\d+ files\); open a\/index\.html in a browser\n$/);
    await runInProcess(['report', EXAMPLE, '--out', join(dir, 'b'), '-q'], dir);
    expect(snapshotDir(join(dir, 'a'))).toEqual(snapshotDir(join(dir, 'b')));
    const files = Object.keys(snapshotDir(join(dir, 'a')));
    expect(files.filter((f) => !f.startsWith('data/t/'))).toEqual(['app.css', 'app.js', 'coverage.svg', 'data/site.js', 'data/theme-1.js', 'data/theme-2.js', 'data/theme-3.js', 'data/theme-4.js', 'index.html', 'manifest.json', 'presence.svg']);
    expect(files.filter((f) => f.startsWith('data/t/')).length).toBe(readdirSync(join(EXAMPLE, 'transcripts')).length);
    const site = data(join(dir, 'a', 'data', 'site.js')) as { title: string; counts: { passages: number } };
    expect(site.title).toBe('DTORS qualitative study (synthetic example)');
    expect(site.counts.passages).toBe(409);
    // The page holds no data of the study: the same index.html for any project.
    const html = readFileSync(join(dir, 'a', 'index.html'), 'utf8');
    expect(html).not.toMatch(/DTORS qualitative/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'self';.*require-trusted-types-for 'script'; trusted-types dtors"/);
  });

  it('removes what an earlier report wrote and this one does not, and refuses the project folder', async () => {
    const dir = copyProject(EXAMPLE);
    expect((await runInProcess(['report', '.', '--out', 'report', '-q'], dir)).code).toBe(0);
    const stale = join(dir, 'report', 'data', 't', '0016.js');
    expect(existsSync(stale)).toBe(true);
    // A project of two transcripts written over it: the other fourteen data files go.
    const small = writeProject();
    expect((await runInProcess(['report', small, '--out', join(dir, 'report'), '-q'], dir)).stderr).toBe('');
    expect(readdirSync(join(dir, 'report', 'data', 't'))).toEqual(['0001.js', '0002.js']);
    const bad = await runInProcess(['report', '.', '--out', '.'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error output-in-inputs: \. holds the project's dtors\.yaml; report written there would be read back as input/);
  });

  it('keeps hostile text as JSON data, byte for byte', () => {
    const project = hostileProject();
    const out = join(tempDir(), 'r');
    const r = runBinary(['report', project, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const site = data(join(out, 'data', 'site.js')) as { title: string; frameTitle: string; themes: { id: string; label: string }[]; transcripts: { id: string; file: string }[] };
    expect(site.title).toBe(PWN[0]);
    expect(site.frameTitle).toBe(PWN[2]);
    expect(site.themes[0].label).toBe(PWN[1]);
    expect(site.transcripts.map((t) => t.id).sort()).toEqual(['P1', TRANSCRIPT].sort());
    // File names are numbers, whatever the ids hold.
    for (const t of site.transcripts) expect(t.file).toMatch(/^data\/t\/\d{4}\.js$/);
    const p1 = data(join(out, site.transcripts.find((t) => t.id === 'P1')!.file)) as { lines: number; text: string };
    expect(p1.text.split('\n')[1]).toBe(`RESP: ${PWN[0]} I said.`);
    expect(p1.text.split('\n')).toHaveLength(p1.lines);
    // A theme's rows, cells and entries are arrays in the order its layout names: read back by that
    // order, they are the chart's cells as `dtors chart -f json` gives them.
    type Layout = { row: string[]; cell: string[]; entry: string[]; flags: string[] };
    const theme = data(join(out, 'data', 'theme-1.js')) as { layout: Layout; rows: unknown[][] };
    const read = (names: string[], values: unknown[]) => Object.fromEntries(names.map((n, i) => [n, theme.layout.flags.includes(n) ? values[i] === 1 : values[i]]));
    const cells = theme.rows.flatMap((r) => {
      const row = read(theme.layout.row, r);
      return (row.cells as unknown[][]).map((c) => {
        const cell = read(theme.layout.cell, c);
        const entries = (cell.entries as unknown[][]).map((e) => read(theme.layout.entry, e));
        return { case: row.case, code: cell.code, state: cell.state, summary: cell.summary, note: cell.note, entries: entries.map((e) => [e.ref, e.code, e.key, e.summary, e.note, e.coder]) };
      });
    });
    type Cell = { code: string; state: string; summary?: string; note?: string; entries: { ref: string; code: string; key: boolean; summary?: string; note?: string; coder?: string }[] };
    const chart = JSON.parse(runBinary(['chart', project, '--theme', site.themes[0].id, '-f', 'json', '-q']).stdout) as { matrices: { rows: { case: string; cells: Cell[] }[] }[] };
    const expected = chart.matrices[0].rows.flatMap((r) =>
      r.cells.map((c) => ({ case: r.case, code: c.code, state: c.state, summary: c.summary ?? null, note: c.note ?? null, entries: c.entries.map((e) => [e.ref, e.code, e.key, e.summary ?? null, e.note ?? null, e.coder ?? null]) })),
    );
    expect(cells).toEqual(expected);
    expect(JSON.stringify(cells)).toContain(JSON.stringify(PWN[0]).slice(1, -1));
  });
});

// A real browser: Debian's Chromium (apt-get install chromium; .ci/run installs it), driven headless.
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) console.info('dtors report: browser tests skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!CHROMIUM)('dtors report in Chromium', () => {
  let browser: Browser;
  const errors: string[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => browser?.close());

  async function open(dir: string, hash = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    // Nothing may leave the machine: every request is to a file of the report.
    page.on('request', (req) => {
      if (!req.url().startsWith(pathToFileURL(dir).href)) errors.push(`request outside the report: ${req.url()}`);
    });
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}${hash}`);
    return page;
  }

  it('opens, filters, follows a reference to the passage, and goes back to the cell', async () => {
    const out = join(tempDir(), 'report');
    expect(runBinary(['report', EXAMPLE, '--out', out, '-q']).code).toBe(0);
    errors.length = 0;
    const page = await open(out);
    await expect.poll(() => page.textContent('h1')).toBe('DTORS qualitative study (synthetic example)');
    expect(await page.title()).toBe('DTORS qualitative study (synthetic example)');
    expect(await page.locator('.facts').textContent()).toContain('Coded passages409');
    expect(await page.locator('img[src="presence.svg"]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);

    await page.click('nav >> text=1 Needs from drug treatment');
    await page.waitForSelector('table.chart tbody tr');
    expect(await page.locator('table.chart tbody tr').count()).toBe(12);
    // The filter, as --where: the rows are those the command line keeps, and the address says so.
    await page.selectOption('select[name="route"]', 'criminal justice');
    await expect.poll(() => page.locator('table.chart tbody tr').count()).toBe(4);
    expect(decodeURIComponent(page.url())).toMatch(/#\/theme\/1\?where=route=criminal\+justice$/);
    const cli = JSON.parse(runBinary(['chart', EXAMPLE, '--theme', '1', '--where', 'route=criminal justice', '-f', 'json', '-q']).stdout) as { matrices: { rows: { case: string }[] }[] };
    expect(await page.locator('table.chart tbody th').allTextContents()).toEqual(cli.matrices[0].rows.map((r) => r.case));

    // A reference opens the transcript at its lines, highlighted and focused, codes beside them.
    const ref = page.locator('td[data-cell="P01~1.1"] a.ref').first();
    const text = (await ref.textContent())!;
    const [, tid, a, b] = /^(.+):(\d+)-?(\d+)?\*?$/.exec(text)!;
    await ref.click();
    await page.waitForSelector('ol.lines');
    expect(decodeURIComponent(page.url())).toContain(`#/transcript/${tid}?lines=${a}-${b ?? a}`);
    const lines = readFileSync(join(EXAMPLE, 'transcripts', `${tid}.txt`), 'utf8').split('\n');
    const shown = await page.locator('li.target .text').allTextContents();
    expect(shown).toEqual(lines.slice(Number(a) - 1, Number(b ?? a)));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`L${a}`);
    expect(await page.locator(`#L${a} ul.codes`).textContent()).toContain('1.1 Substitute prescribing');

    // Back: the chart, filtered as it was, with the cell the reference was in focused.
    await page.goBack();
    await page.waitForSelector('table.chart tbody tr');
    expect(await page.locator('table.chart tbody tr').count()).toBe(4);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.cell)).toBe('P01~1.1');

    // The address is the view: opened afresh, it shows the same.
    const shared = await open(out, '#/transcript/P01-baseline?lines=10-12');
    await shared.waitForSelector('li.target');
    expect(await shared.locator('li.target').count()).toBe(3);
    expect(errors).toEqual([]);
  });

  it('prints a theme on landscape pages with its references, and reads well: labelled controls, contrast', async () => {
    const out = join(tempDir(), 'report');
    expect(runBinary(['report', EXAMPLE, '--out', out, '-q']).code).toBe(0);
    errors.length = 0;
    const page = await open(out, '#/theme/1');
    await page.waitForSelector('table.chart tbody tr');
    // Every control has a label; every image a text alternative.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select')].filter((c) => !(c.id && document.querySelector(`label[for="${c.id}"]`)) && !c.getAttribute('aria-label')).length,
    );
    expect(unlabelled).toBe(0);
    // Text against its background: at least 4.5:1 (WCAG AA) for every piece of text in the chart view.
    const worst = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (e: Element | null): number[] => {
        for (; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      let min = 21;
      let at = '';
      for (const e of document.querySelectorAll('main *')) {
        if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim())) continue;
        const a = lum(rgb(getComputedStyle(e).color));
        const b = lum(background(e));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < min) [min, at] = [ratio, `${e.tagName}.${e.className}`];
      }
      return { min, at };
    });
    expect(worst.min, worst.at).toBeGreaterThanOrEqual(4.5);
    // Printed: controls gone, the chart with its references, on landscape pages.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.bar').isVisible()).toBe(false);
    expect(await page.locator('.filters').isVisible()).toBe(false);
    expect(await page.locator('table.chart a.ref').first().isVisible()).toBe(true);
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const box = /\/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf)!;
    expect(Number(box[1])).toBeGreaterThan(Number(box[2]));
    expect(errors).toEqual([]);
  });

  it('finds words in every transcript, loading them only then, and by keyboard', async () => {
    const out = join(tempDir(), 'report');
    expect(runBinary(['report', EXAMPLE, '--out', out, '-q']).code).toBe(0);
    errors.length = 0;
    const page = await open(out);
    await page.waitForSelector('h1');
    // The overview has loaded no transcript.
    expect(await page.evaluate(() => [...document.scripts].filter((s) => s.src.includes('/data/t/')).length)).toBe(0);
    // Keyboard only: the skip button, then the find box.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('skip');
    await page.focus('#find-q');
    await page.keyboard.type('methadone');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[role=status]').textContent(), { timeout: 20_000 }).toMatch(/^\d+ lines? found in 16 transcripts\.$/);
    const expected = readdirSync(join(EXAMPLE, 'transcripts')).reduce((n, f) => n + readFileSync(join(EXAMPLE, 'transcripts', f), 'utf8').split('\n').filter((l) => /methadone/i.test(l)).length, 0);
    expect(await page.locator('ol.results li').count()).toBe(expected);
    await page.locator('ol.results a').first().click();
    await page.waitForSelector('ol.lines mark');
    expect((await page.locator('ol.lines mark').first().textContent())!.toLowerCase()).toBe('methadone');
    expect(errors).toEqual([]);
  });

  it('shows hostile text as text, and runs none of it', async () => {
    const project = hostileProject();
    const out = join(tempDir(), 'r');
    expect(runBinary(['report', project, '--out', out, '-q']).code).toBe(0);
    errors.length = 0;
    const page = await open(out);
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe(PWN[0]);
    expect(await page.title()).toBe(PWN[0]);
    await page.click(`nav a >> nth=1`);
    await page.waitForSelector('table.chart tbody tr');
    const body = (await page.textContent('table.chart'))!;
    for (const s of [PWN[1], PWN[2], PWN[3]]) expect(body).toContain(s);
    await page.selectOption('select[name="route"]', PWN[1]);
    await expect.poll(() => page.locator('table.chart tbody tr').count()).toBe(1);
    await page.locator('a.ref').first().click();
    await page.waitForSelector('ol.lines');
    expect(await page.locator('ol.lines').textContent()).toContain(PWN[0]);
    expect(await page.locator('ol.lines').textContent()).toContain(PWN[4]);
    await page.goBack();
    await page.waitForSelector('table.chart');
    // The transcript whose very id is markup.
    await page.goto(`${pathToFileURL(join(out, 'index.html')).href}#/transcript/${encodeURIComponent(TRANSCRIPT)}`);
    await page.waitForSelector('ol.lines');
    expect(await page.textContent('h1')).toBe(TRANSCRIPT);
    expect(await page.locator('ol.lines').textContent()).toContain('\u202eevil\u202c');
    // Nothing ran: no flag set, no dialog, no element made from the data, no request out.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main script, main svg, main iframe').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
