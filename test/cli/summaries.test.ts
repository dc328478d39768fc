import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workbook } from '@cj-tech-master/excelts';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cellText } from '../../src/summaries/read.js';
import { copyProject, EXAMPLE, runBinary, runInProcess, snapshotDir } from '../helpers.js';

/** A copy of the example, without its search index and charts. */
function example(): string {
  const dir = copyProject(EXAMPLE);
  spawnSync('rm', ['-rf', join(dir, '.dtors'), join(dir, 'charts')]);
  return dir;
}

/** Opens a workbook, lets `edit` change cells (by sheet, case and column code), and saves it. */
async function editWorkbook(file: string, edit: (cell: (sheet: string, kase: string, code: string) => { get(): string; set(v: string): void }) => void, out = file): Promise<void> {
  const wb = new Workbook();
  await wb.xlsx.readFile(file);
  edit((sheet, kase, code) => {
    const ws = wb.worksheets.find((s) => s.name.startsWith(sheet))!;
    // values[0] is a hole: cells are numbered from 1.
    const header = Array.from(ws.getRow(1).values as unknown[], (v) => cellText(v as never));
    const col = header.findIndex((h) => h.split(' ')[0] === code);
    let row = -1;
    ws.eachRow((r, n) => {
      if (cellText(r.getCell(1).value) === kase) row = n;
    });
    const c = ws.getRow(row).getCell(col);
    return { get: () => cellText(c.value), set: (v) => (c.value = v) };
  });
  await wb.xlsx.writeFile(out);
}

/** The cell summaries the charts show now, by case and code. */
async function chartedSummaries(dir: string): Promise<Map<string, string | undefined>> {
  const r = await runInProcess(['chart', '.', '-f', 'json', '-q'], dir);
  const doc = JSON.parse(r.stdout) as { matrices: { rows: { case: string; cells: { code: string; summary?: string; state: string }[] }[] }[] };
  const out = new Map<string, string | undefined>();
  for (const m of doc.matrices) for (const row of m.rows) for (const c of row.cells) out.set(`${row.case} ${c.code}`, c.state === 'cell-summary' ? c.summary : undefined);
  return out;
}

describe('dtors chart --format xlsx and dtors summaries import', () => {
  it('round trip: template workbook → summaries typed in → import → the charts show them', async () => {
    const dir = example();
    expect((await runInProcess(['chart', '.', '--template', '--out', 'sheets', '-f', 'xlsx'], dir)).code).toBe(0);
    await editWorkbook(join(dir, 'sheets', 'charts.xlsx'), (cell) => {
      // A new summary where there was none, above the passages dtors listed.
      cell('2 ', 'P03', '2.1').set('Motivated by her children.\n' + cell('2 ', 'P03', '2.1').get());
      // An existing one rewritten.
      const p01 = cell('1 ', 'P01', '1.1');
      p01.set(p01.get().replace(/^[^\n]*/, 'Titrated up, then down at his own pace.'));
    });
    const dry = await runInProcess(['summaries', 'import', 'sheets/charts.xlsx', '.', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      "updated  P01 1.1: Started at 40ml and titrated to 70ml; by follow-up down to 55ml at … → Titrated up, then down at his own pace.\nadded    P03 2.1: Motivated by her children.\n",
    );
    const before = snapshotDir(dir);
    expect(snapshotDir(dir)).toEqual(before);
    const r = await runInProcess(['summaries', 'import', 'sheets/charts.xlsx', '--coder', 'bea'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('dtors: changed summaries.csv: 1 updated, 1 added, 0 removed; 274 cells as they were\n');
    const now = await chartedSummaries(dir);
    expect(now.get('P01 1.1')).toBe('Titrated up, then down at his own pace.');
    expect(now.get('P03 2.1')).toBe('Motivated by her children.');
    // Only the two rows changed in the summaries file; the rest are byte for byte as they were.
    const old = readFileSync(join(EXAMPLE, 'summaries.csv'), 'utf8').split('\n');
    const neu = readFileSync(join(dir, 'summaries.csv'), 'utf8').split('\n');
    expect(neu.filter((l) => !old.includes(l))).toEqual(['P01,1.1,"Titrated up, then down at his own pace.",Reduction pace contested between client and GP; keyworker mediated,bea', 'P03,2.1,Motivated by her children.,,bea']);
    // Importing again changes nothing.
    expect((await runInProcess(['summaries', 'import', 'sheets/charts.xlsx'], dir)).stderr).toMatch(/nothing to change: 0 updated, 0 added, 0 removed/);
  });

  it('reads an edited chart workbook and one CSV sheet with the manifest beside it', async () => {
    const dir = example();
    expect((await runInProcess(['chart', '.', '--out', 'out', '-f', 'xlsx,csv', '-q'], dir)).code).toBe(0);
    await editWorkbook(join(dir, 'out', 'charts.xlsx'), (cell) => cell('1 ', 'S01', '1.4').set('Waits fell from months to weeks (S01:73-80)'));
    expect((await runInProcess(['summaries', 'import', 'out/charts.xlsx'], dir)).stdout).toBe('added    S01 1.4: Waits fell from months to weeks\n');
    // The CSV sheet, saved by a spreadsheet with its rows in another order.
    const csv = join(dir, 'out', '2-factors-influencing-recovery.csv');
    const rows = parse(readFileSync(csv, 'utf8')) as string[][];
    const col = rows[0].findIndex((h) => h.startsWith('2.2 '));
    const p02 = rows.findIndex((r) => r[0] === 'P02');
    rows[p02][col] = 'Her children are why.';
    // As spreadsheets save CSV: CRLF, every cell quoted.
    writeFileSync(csv, stringify([rows[0], ...rows.slice(1).reverse()], { record_delimiter: '\r\n', quoted: true }));
    const r = await runInProcess(['summaries', 'import', 'out/2-factors-influencing-recovery.csv'], dir);
    expect(r.stdout).toMatch(/^(added|updated) +P02 2\.2: .*Her children are why\.\n$/);
    expect((await chartedSummaries(dir)).get('P02 2.2')).toBe('Her children are why.');
  });

  it('leaves a cell whose coding changed since the sheet was made, unless --force', async () => {
    const dir = example();
    await runInProcess(['chart', '.', '--template', '--out', 'sheets', '-f', 'xlsx', '-q'], dir);
    await editWorkbook(join(dir, 'sheets', 'charts.xlsx'), (cell) => cell('1 ', 'S01', '1.3').set('Practical help is half the job'));
    // The coding of S01 1.3 changes: its one passage is recoded to 1.4.
    const file = join(dir, 'annotations', 'amira-providers.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('a-providers-005,S01,1.3,', 'a-providers-005,S01,1.4,'));
    const before = readFileSync(join(dir, 'summaries.csv'), 'utf8');
    const r = await runInProcess(['summaries', 'import', 'sheets/charts.xlsx'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/sheets\/charts\.xlsx\[1 Needs from drug treatment\]:\d+:\d+: warning summary-stale: case S01, code 1\.3: not imported/);
    expect(readFileSync(join(dir, 'summaries.csv'), 'utf8')).toBe(before);
    expect((await runInProcess(['summaries', 'import', 'sheets/charts.xlsx', '--force'], dir)).stdout).toMatch(/^updated  S01 1\.3: .* → Practical help is half the job\n$/);
  });

  it('refuses what is not a workbook, a zip bomb, and a sheet without records, writing nothing', async () => {
    const dir = example();
    const before = snapshotDir(dir);
    writeFileSync(join(dir, 'notes.xlsx'), 'just text');
    writeFileSync(join(dir, 'bomb.xlsx'), zipSync({ 'xl/worksheets/sheet1.xml': [new Uint8Array(50 * 1024 * 1024), { level: 9 }] }));
    writeFileSync(join(dir, 'plain.csv'), 'case,1.1 Substitute prescribing\nP01,My summary\n');
    const r1 = await runInProcess(['summaries', 'import', 'notes.xlsx'], dir);
    expect([r1.code, r1.stderr]).toEqual([1, expect.stringMatching(/notes\.xlsx:1:1: error sheet-unreadable: this is not a workbook/)]);
    const r2 = await runInProcess(['summaries', 'import', 'bomb.xlsx'], dir);
    expect([r2.code, r2.stderr]).toEqual([1, expect.stringMatching(/bomb\.xlsx:1:1: error sheet-unsafe: .*zip bomb/)]);
    const r3 = await runInProcess(['summaries', 'import', 'plain.csv'], dir);
    expect([r3.code, r3.stderr]).toEqual([1, expect.stringMatching(/error sheet-without-records/)]);
    for (const f of ['notes.xlsx', 'bomb.xlsx', 'plain.csv']) spawnSync('rm', [join(dir, f)]);
    expect(snapshotDir(dir)).toEqual(before);
    expect((await runInProcess(['chart', '.', '-f', 'xlsx'], dir)).stderr).toBe('dtors: error: a workbook is written to a folder: add --out DIR (it writes DIR/charts.xlsx)\n');
    expect(await runInProcess(['summaries'], dir)).toEqual({ code: 2, stdout: '', stderr: 'dtors: error: name what to do: dtors summaries import FILE [PROJECT] (see dtors summaries import --help)\n' });
  });

  it('writes the same workbook bytes in any time zone, and --check sees it go stale', () => {
    const dir = example();
    expect(runBinary(['chart', '.', '--out', 'a', '-f', 'xlsx', '-q'], dir, { TZ: 'America/New_York' }).code).toBe(0);
    expect(runBinary(['chart', '.', '--out', 'b', '-f', 'xlsx', '-q'], dir, { TZ: 'Asia/Tokyo' }).code).toBe(0);
    expect(readFileSync(join(dir, 'a', 'charts.xlsx')).equals(readFileSync(join(dir, 'b', 'charts.xlsx')))).toBe(true);
    expect(runBinary(['chart', '.', '--out', 'a', '-f', 'xlsx', '--check'], dir).code).toBe(0);
    writeFileSync(join(dir, 'summaries.csv'), readFileSync(join(dir, 'summaries.csv'), 'utf8').replace('Started at 40ml', 'Began at 40ml'));
    const r = runBinary(['chart', '.', '--out', 'a', '-f', 'xlsx', '--check'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a\/charts\.xlsx: stale/);
  });
});

// LibreOffice, where it is installed (apt-get install libreoffice-calc-nogui; .ci/run installs it).
const soffice = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).stdout.trim();

describe.skipIf(!soffice)('the workbook in LibreOffice', () => {
  const lo = (dir: string, args: string[]) => execFileSync(soffice, ['--headless', '--norestore', `-env:UserInstallation=file://${dir}/profile`, ...args], { cwd: dir, stdio: 'ignore', timeout: 180_000 });

  it('opens, and each sheet converted back to CSV is the CSV chart cell by cell', async () => {
    const dir = example();
    expect(runBinary(['chart', '.', '--out', 'out', '-f', 'xlsx,csv', '--raw', '--quotes', 'full', '-q'], dir).code).toBe(0);
    lo(dir, ['--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', 'back', 'out/charts.xlsx']);
    const back = readdirSync(join(dir, 'back'));
    const themes = readdirSync(join(dir, 'out')).filter((f) => /^\d.*\.csv$/.test(f));
    expect(themes.length).toBe(4);
    for (const f of themes) {
      const sheet = back.find((b) => b.startsWith(`charts-${f[0]} `))!;
      const cells = (t: string) => parse(t, { relax_column_count: true }) as string[][];
      expect(cells(readFileSync(join(dir, 'back', sheet), 'utf8'))).toEqual(cells(readFileSync(join(dir, 'out', f), 'utf8')));
    }
  });

  it('saved again by LibreOffice, still brings the summaries typed into it back', async () => {
    const dir = example();
    expect(runBinary(['chart', '.', '--template', '--out', 'sheets', '-f', 'xlsx', '-q'], dir).code).toBe(0);
    await editWorkbook(join(dir, 'sheets', 'charts.xlsx'), (cell) => cell('4 ', 'P02', '4.1').set('Using far less; "not asleep any more".\n' + cell('4 ', 'P02', '4.1').get()), join(dir, 'typed.xlsx'));
    lo(dir, ['--convert-to', 'xlsx', '--outdir', 'saved', 'typed.xlsx']);
    const r = runBinary(['summaries', 'import', 'saved/typed.xlsx'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('added    P02 4.1: Using far less; "not asleep any more".\n');
    expect((await chartedSummaries(dir)).get('P02 4.1')).toBe('Using far less; "not asleep any more".');
  });
});
