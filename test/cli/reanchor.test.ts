import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { copyProject, EXAMPLE, runBinary, runInProcess, snapshotDir } from '../helpers.js';

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

/** The example, locked, then its first transcript edited: two lines inserted near the top and a typo fixed inside a quote. */
async function lockedAndEdited(): Promise<string> {
  const dir = copyProject(EXAMPLE);
  const locked = await runInProcess(['validate', '.', '--lock'], dir);
  expect(locked.code).toBe(0);
  expect(locked.stderr).toMatch(/wrote dtors\.lock\.json \(409 passages locked\)/);
  const p = join(dir, 'transcripts', 'P01-baseline.txt');
  const lines = readFileSync(p, 'utf8').split('\n');
  lines.splice(3, 0, '[Tape restarted after a break]', '');
  writeFileSync(p, lines.join('\n').replace('the swab thing in your mouth', 'the swab-thing in your mouth'));
  return dir;
}

describe('dtors validate --lock and drift', () => {
  it('writes the lock once, then leaves it unchanged', async () => {
    const dir = copyProject(EXAMPLE);
    await runInProcess(['validate', '.', '--lock'], dir);
    const first = read(dir, 'dtors.lock.json');
    const again = await runInProcess(['validate', '.', '--lock'], dir);
    expect(again.stderr).toMatch(/unchanged: dtors\.lock\.json/);
    expect(read(dir, 'dtors.lock.json')).toBe(first);
  });

  it('leaves the lock as it is while a coding file does not load (its records would be dropped)', async () => {
    const dir = copyProject(EXAMPLE);
    await runInProcess(['validate', '.', '--lock'], dir);
    const before = read(dir, 'dtors.lock.json');
    writeFileSync(join(dir, 'annotations', 'tom-cj.yaml'), '- id: [unclosed\n');
    const r = await runInProcess(['validate', '.', '--lock'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error yaml-syntax/);
    expect(r.stderr).toMatch(/dtors: dtors\.lock\.json not written: fix the errors above first\n$/);
    expect(read(dir, 'dtors.lock.json')).toBe(before);
    const json = JSON.parse((await runInProcess(['validate', '.', '--lock', '-f', 'json'], dir)).stdout);
    expect(json.lock).toEqual({ written: false, refused: true });
  });

  it('reports every drifted passage with where its text is now; --strict makes that an error', async () => {
    const dir = await lockedAndEdited();
    const r = await runInProcess(['validate', '.', '--format', 'json'], dir);
    const doc = JSON.parse(r.stdout);
    const drift = doc.diagnostics.filter((d: { code: string }) => d.code === 'anchor-drift');
    // Every passage of P01-baseline that lies below the inserted lines, and none elsewhere.
    expect(drift.length).toBe(22);
    expect(doc.summary.drifted).toBe(22);
    expect(drift[0]).toMatchObject({ file: 'annotations/amira-cj.csv', line: 2, severity: 'warning' });
    expect(drift[0].hint).toBe('it is now at lines 11-15 (fuzzy 98%): dtors reanchor moves it there');
    expect(drift.find((d: { line: number }) => d.line === 3).hint).toBe('it is now at lines 19-24 (exact): dtors reanchor moves it there');
    const strict = await runInProcess(['validate', '.', '--strict'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/annotations\/amira-cj\.csv:3:27: error anchor-drift: lines 17-22 of "P01-baseline" no longer hold/);
  });

  it('gives the same drift warnings in commands that read only the hashes of an unchanged lock', async () => {
    const dir = copyProject(EXAMPLE);
    await runInProcess(['validate', '.', '--lock'], dir);
    // Nothing changed: chart reads the lock's hashes only, and finds nothing; --lock still reads it all.
    const clean = await runInProcess(['chart', '.', '--out', 'charts'], dir);
    expect(clean.code).toBe(0);
    expect(clean.stderr).not.toMatch(/anchor-drift|lock-invalid/);
    expect((await runInProcess(['chart', '.', '--out', 'charts', '--lock'], dir)).stderr).toMatch(/unchanged: dtors\.lock\.json \(409 passages locked\)/);
    // A damaged entry is reported by every command, as before.
    const lock = read(dir, 'dtors.lock.json');
    writeFileSync(join(dir, 'dtors.lock.json'), lock.replace(/"lines":"[0-9-]+"/, '"lines":"ten"'));
    expect((await runInProcess(['chart', '.'], dir)).stderr).toMatch(/dtors\.lock\.json:4:\d+: error lock-invalid/);
    writeFileSync(join(dir, 'dtors.lock.json'), lock);
    // One transcript edited: the lock is read in full, and chart warns of each drifted passage as validate does.
    const edited = await lockedAndEdited();
    const v = JSON.parse((await runInProcess(['validate', '.', '--format', 'json'], edited)).stdout);
    const drifted = (doc: { diagnostics: { code: string; file: string; line: number; hint: string }[] }) =>
      doc.diagnostics.filter((d) => d.code === 'anchor-drift').map((d) => `${d.file}:${d.line} ${d.hint}`);
    const c = await runInProcess(['chart', '.', '--out', 'charts'], edited);
    const warned = c.stderr.split('\n').filter((l) => l.includes('warning anchor-drift'));
    expect(warned).toHaveLength(drifted(v).length);
    expect(drifted(v)).toHaveLength(22);
  });

  it('says how many passages the lock has no record of', async () => {
    const dir = await lockedAndEdited();
    const csv = join(dir, 'annotations', 'amira-cj.csv');
    // A row added since the lock was written.
    writeFileSync(csv, `${read(dir, 'annotations/amira-cj.csv').trimEnd()}\na-cj-new,P01-baseline,2.3,50-54,,,,,amira\n`);
    const r = await runInProcess(['reanchor', '.', '--dry-run'], dir);
    expect(r.stderr).toMatch(/1 passage added or edited since the lock was written is not checked: dtors validate --lock records it/);
  });

  it('keeps the old record of drifted passages when asked to lock again', async () => {
    const dir = await lockedAndEdited();
    const r = await runInProcess(['validate', '.', '--lock'], dir);
    expect(r.stderr).toMatch(/22 drifted passages kept their old record: run dtors reanchor/);
    const again = await runInProcess(['reanchor', '.', '--dry-run'], dir);
    expect(again.stdout.split('\n').filter(Boolean)).toHaveLength(22);
  });
});

describe('dtors reanchor', () => {
  it('--dry-run prints the moves and changes nothing', async () => {
    const dir = await lockedAndEdited();
    const before = snapshotDir(dir);
    const r = await runInProcess(['reanchor', '.', '--dry-run'], dir);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('annotations/amira-cj.csv:2: P01-baseline 9-13 → 11-15 (fuzzy 98%), quote updated');
    expect(out[1]).toBe('annotations/amira-cj.csv:3: P01-baseline 17-22 → 19-24 (exact)');
    expect(r.stdout).toContain('annotations/tom-cj.yaml:8: P01-baseline 29-30 → 31-32 (exact)\n');
    expect(r.stderr).toBe('dtors: would move 22 passages (dry run: no file changed)\n');
    expect(snapshotDir(dir)).toEqual(before);
    // The binary says the same.
    const bin = runBinary(['reanchor', '.', '--dry-run'], dir);
    expect(bin).toMatchObject({ code: 0, stdout: r.stdout, stderr: r.stderr });
  });

  it('rewrites only the lines and quote cells, keeps comments and style, and leaves a project that validates', async () => {
    const dir = await lockedAndEdited();
    const csvBefore = parseCsv(read(dir, 'annotations/amira-cj.csv'), { columns: true }) as Record<string, string>[];
    const yamlText = read(dir, 'annotations/tom-cj.yaml');
    const untouched = read(dir, 'annotations/amira-other.csv');
    const r = await runInProcess(['reanchor', '.'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('dtors: moved 22 passages; wrote annotations/amira-cj.csv, annotations/tom-cj.yaml, dtors.lock.json\n');
    const csvAfter = parseCsv(read(dir, 'annotations/amira-cj.csv'), { columns: true }) as Record<string, string>[];
    expect(csvAfter).toHaveLength(csvBefore.length);
    csvAfter.forEach((row, i) => {
      for (const k of Object.keys(row)) if (k !== 'lines' && k !== 'quote') expect(row[k]).toBe(csvBefore[i][k]);
    });
    expect(csvAfter[0]).toMatchObject({ lines: '11-15', quote: "they do the test now, don't they, the swab-thing in your mouth" });
    expect(csvAfter[1].lines).toBe('19-24');
    const yamlAfter = read(dir, 'annotations/tom-cj.yaml');
    expect(yamlAfter.split('\n')[0]).toBe(yamlText.split('\n')[0]);
    expect(yamlAfter.replace(/lines: "\d+-\d+"/g, '')).toBe(yamlText.replace(/lines: "\d+-\d+"/g, ''));
    expect(parseYaml(yamlAfter)[1].lines).toBe('31-32');
    expect(read(dir, 'annotations/amira-other.csv')).toBe(untouched);

    const v = await runInProcess(['validate', '.'], dir);
    expect(v).toMatchObject({ code: 0, stderr: 'dtors: ok: 16 transcripts, 12 cases, 409 annotations (409 located); 0 errors, 0 warnings\n' });
    const again = await runInProcess(['reanchor', '.'], dir);
    expect(again).toMatchObject({ code: 0, stdout: '' });
    expect(again.stderr).toMatch(/nothing to move: all \d+ passages in edited transcripts still hold their text|nothing to move: no transcript has changed/);
  });

  it('leaves a passage whose text was deleted alone, says why, and exits 1', async () => {
    const dir = copyProject(EXAMPLE);
    await runInProcess(['validate', '.', '--lock'], dir);
    const p = join(dir, 'transcripts', 'P01-baseline.txt');
    const lines = readFileSync(p, 'utf8').split('\n');
    // Lines 17-22 (a-cj-002's passage) replaced by other words.
    lines.splice(16, 6, 'RESP: [This passage was withdrawn at the participant\'s request.]');
    writeFileSync(p, lines.join('\n'));
    const before = read(dir, 'annotations/amira-cj.csv').split('\n')[2];
    const r = await runInProcess(['reanchor', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^annotations\/amira-cj\.csv:3: P01-baseline 17-22 not moved: its text is no longer in the transcript/m);
    // And tom's quote from the same passage.
    expect(r.stdout).toMatch(/^annotations\/tom-cj\.yaml:2: P01-baseline 19-20 not moved: its text is no longer in the transcript/m);
    expect(r.stderr).toMatch(/moved 21 passages, 2 passages not moved \(check them by hand\)/);
    expect(read(dir, 'annotations/amira-cj.csv').split('\n')[2]).toBe(before);
    // The lock keeps its record, so the passage is still reported.
    const v = await runInProcess(['validate', '.', '--format', 'json'], dir);
    expect(JSON.parse(v.stdout).diagnostics.filter((d: { code: string }) => d.code === 'anchor-drift').map((d: { line: number }) => d.line)).toContain(3);
  });

  it('without a lock, follows quotes alone', async () => {
    const dir = copyProject(EXAMPLE);
    const p = join(dir, 'transcripts', 'P01-baseline.txt');
    writeFileSync(p, readFileSync(p, 'utf8').replace('the swab thing in your mouth', 'the swab-thing in your mouth'));
    const r = await runInProcess(['reanchor', '.', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no dtors\.lock\.json here, so only quotes can guide the search/);
    expect(JSON.parse(r.stdout).moves).toEqual([
      { file: 'annotations/amira-cj.csv', line: 2, id: 'a-cj-001', transcript: 'P01-baseline', code: '2.5', status: 'moved', from: '9-13', to: '9-13', method: 'fuzzy', similarity: 0.983, quote: "they do the test now, don't they, the swab-thing in your mouth", reason: null },
    ]);
    expect((await runInProcess(['validate', '.'], dir)).code).toBe(0);
  });

  it('refuses to work on a project with other errors, such as a lock with a merge conflict', async () => {
    const dir = copyProject(EXAMPLE);
    writeFileSync(join(dir, 'dtors.lock.json'), '{\n<<<<<<< ours\n}\n');
    const before = snapshotDir(dir);
    const r = await runInProcess(['reanchor', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dtors\.lock\.json:2:1: error lock-invalid: the lock file has merge-conflict markers/m);
    expect(r.stderr).toMatch(/nothing re-anchored; fix the errors above first/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('chart --lock writes the lock after the charts', async () => {
    const dir = copyProject(EXAMPLE);
    rmSync(join(dir, 'charts'), { recursive: true });
    const r = await runInProcess(['chart', '.', '--out', 'charts', '--lock'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote 9 files to charts\ndtors: wrote dtors\.lock\.json \(409 passages locked\)\n/);
    expect(await runInProcess(['chart', '.', '--out', 'charts', '--check', '--lock'], dir)).toMatchObject({ code: 2 });
  });
});
