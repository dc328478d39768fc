import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, FIXTURES, runBinary, tempDir } from '../helpers.js';

// A real spreadsheet program reads the CSV: LibreOffice, where it is installed (apt-get install
// libreoffice-calc-nogui). Each file goes CSV → xlsx → CSV, and every cell must come back as written,
// the neutralised formula included (evaluated, it would come back as a number or an error).
const soffice = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).stdout.trim();

describe.skipIf(!soffice)('CSV in LibreOffice', () => {
  it('keeps every cell intact and evaluates no formula', () => {
    const dir = tempDir();
    const files = {
      'formula.csv': runBinary(['chart', join(FIXTURES, 'projects', 'basic'), '-t', '2', '-f', 'csv']).stdout,
      'excel.csv': runBinary(['chart', join(FIXTURES, 'projects', 'basic'), '-t', '2', '-f', 'csv', '--excel']).stdout,
      'example.csv': readFileSync(join(EXAMPLE, 'charts', '1-needs-from-drug-treatment.csv'), 'utf8'),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const run = (args: string[]) => execFileSync(soffice, ['--headless', `-env:UserInstallation=file://${dir}/profile`, ...args], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
    run(['--infilter=CSV:44,34,76,1', '--convert-to', 'xlsx', ...Object.keys(files)]);
    run(['--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', 'back', ...Object.keys(files).map((f) => f.replace('.csv', '.xlsx'))]);
    for (const [name, text] of Object.entries(files)) {
      const stem = name.replace('.csv', '');
      const cells = (t: string) => parse(t.replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][];
      const back = readFileSync(join(dir, 'back', `${stem}-${stem}.csv`), 'utf8');
      expect(cells(back)).toEqual(cells(text).map((r) => r.map((c) => c.replace(/\r\n/g, '\n'))));
    }
    expect(files['formula.csv']).toContain("'=SUM(A1)");
  });
});
