import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BIN, copyProject, EXAMPLE, ROOT, runBinary, runInProcess, tempDir } from '../helpers.js';

const NVIVO = join(ROOT, '..', 'shared', 'fixtures', 'refi', 'real', 'nvivo12-win_oltas0517.qdpx');
const haveNvivo = existsSync(NVIVO);
const enc = (s: string) => new TextEncoder().encode(s);
const QDE = '<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="00000000-0000-0000-0000-000000000001" name="A" isCodable="true"/></Codes></CodeBook></Project>\n';

/** Hostile archives: each must be refused with its code, exit 1, and nothing written. */
const HOSTILE: [string, () => Uint8Array, string, RegExp][] = [
  ['a path that climbs out of the archive (zip slip)', () => zipSync({ 'project.qde': enc(QDE), '../../../tmp/evil.txt': enc('x') }), 'refi-unsafe', /outside itself/],
  ['an absolute path', () => zipSync({ 'project.qde': enc(QDE), '/etc/cron.d/evil': enc('x') }), 'refi-unsafe', /outside itself/],
  ['a zip bomb: 50 MB of zeros in a 50 KB entry', () => zipSync({ 'project.qde': new Uint8Array(50 * 1024 * 1024) }, { level: 9 }), 'refi-unsafe', /zip bomb/],
  ['50,001 entries', () => {
    const files: Record<string, Uint8Array> = { 'project.qde': enc(QDE) };
    for (let i = 0; i < 50_000; i++) files[`sources/${i}.txt`] = new Uint8Array(0);
    return zipSync(files, { level: 0 });
  }, 'refi-unsafe', /50001 entries/],
  ['entity expansion (billion laughs)', () => zipSync({ 'project.qde': enc('<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<Project name="&b;"/>') }), 'refi-unsafe', /DOCTYPE/],
  ['an external entity (XXE)', () => zipSync({ 'project.qde': enc('<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Project name="&x;"/>') }), 'refi-unsafe', /DOCTYPE/],
  ['a 1 MB attribute', () => zipSync({ 'project.qde': enc(`<Project name="${'x'.repeat(1 << 20)}"/>`) }, { level: 0 }), 'refi-unsafe', /characters long/],
  ['a .qde cut short', () => zipSync({ 'project.qde': enc(QDE.slice(0, 120)) }), 'refi-malformed', /ends before <Codes> is closed/],
  ['a .qde that is not XML at all', () => zipSync({ 'project.qde': enc('{"json": true}') }), 'refi-malformed', /./],
  ['two .qde files, neither project.qde', () => zipSync({ 'a.qde': enc(QDE), 'b.qde': enc(QDE) }), 'refi-unreadable', /2 \.qde files/],
];

describe('dtors export', () => {
  it('writes a .qdpx, and leaves it untouched when run again on the same project', async () => {
    const dir = tempDir();
    const r = await runInProcess(['export', EXAMPLE, '--to', 'study.qdpx'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote study\.qdpx: 16 transcripts, 25 codes, 409 coded passages, 12 cases, 83 cell summaries/);
    expect(r.stderr).toMatch(/not carried: 66 key-quote marks/);
    const first = readFileSync(join(dir, 'study.qdpx'));
    const mtime = statSync(join(dir, 'study.qdpx')).mtimeMs;
    await new Promise((res) => setTimeout(res, 20));
    expect((await runInProcess(['export', EXAMPLE, '--to', 'study.qdpx'], dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'study.qdpx'))).toEqual(first);
    expect(statSync(join(dir, 'study.qdpx')).mtimeMs).toBe(mtime);
  });

  it('writes a codebook to stdout', () => {
    const r = runBinary(['export', EXAMPLE, '-f', 'qdc', '--to', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="dtors /);
    expect(r.stdout).toContain('name="1.1 Substitute prescribing"');
  });

  it('writes nothing for a project with errors, or for a file name it cannot read as a format', async () => {
    const dir = copyProject(EXAMPLE);
    writeFileSync(join(dir, 'annotations', 'amira-cj.csv'), 'transcript,code,lines\nP01-baseline,9.9,3\n');
    const r = await runInProcess(['export', '.', '--to', 'out.qdpx'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown-code/);
    expect(r.stderr).toMatch(/nothing exported/);
    expect(existsSync(join(dir, 'out.qdpx'))).toBe(false);
    const u = await runInProcess(['export', '.', '--to', 'out.zip'], dir);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/cannot tell the format from "out.zip"/);
  });
});

describe('dtors import', () => {
  it('brings an export back as a project that validates with no warnings and charts', () => {
    const dir = tempDir();
    expect(runBinary(['export', EXAMPLE, '--to', 'study.qdpx'], dir).code).toBe(0);
    const r = runBinary(['import', 'study.qdpx', '--to', 'back'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/16 transcripts, 25 codes in 4 themes, 409 coded passages by 2 coders, 12 cases, 83 cell summaries/);
    expect(r.stderr).toMatch(/finds 0 errors and 0 warnings/);
    expect(readdirSync(join(dir, 'back')).sort()).toEqual(['annotations', 'cases.csv', 'dtors.yaml', 'frame.yaml', 'import-report.txt', 'summaries.csv', 'transcripts']);
    const chart = runBinary(['chart', 'back', '--theme', '1'], dir);
    expect(chart.code).toBe(0);
    expect(chart.stdout).toMatch(/Started at 40ml and titrated to 70ml/);
  });

  it('reads stdin and answers in JSON', () => {
    const dir = tempDir();
    runBinary(['export', EXAMPLE, '--to', 'study.qdpx'], dir);
    const r = spawnSync(process.execPath, [BIN, 'import', '-', '--to', 'back', '-f', 'json'], { cwd: dir, input: readFileSync(join(dir, 'study.qdpx')), encoding: 'utf8' });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schemaVersion: 1, from: '<stdin>', counts: { passages: 409 }, validate: { errors: 0, warnings: 0 }, notCarried: [] });
    expect(j.reading.chosen).toEqual({ unit: 'codepoints', crlfTwo: false });
  });

  it('refuses a folder that is not empty, and a damaged file, touching nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    writeFileSync(join(dir, 'broken.qdpx'), 'PK\u0003\u0004 not really a zip');
    const full = runBinary(['import', 'broken.qdpx', '--to', '.'], dir);
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/is not empty/);
    const bad = runBinary(['import', 'broken.qdpx', '--to', 'new'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^broken\.qdpx: error refi-unreadable: /m);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['broken.qdpx', 'keep.txt']);
  });

  it.each(HOSTILE)('refuses %s', async (_, make, code, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.qdpx'), make());
    const r = await runInProcess(['import', 'in.qdpx', '--to', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^in\\.qdpx(!/[^:]+)?(:\\d+:\\d+)?: error ${code}: `, 'm'));
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync('/tmp/evil.txt')).toBe(false);
  });

  it('imports a codebook as a frame waiting for transcripts', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.qdc'), '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="00000000-0000-0000-0000-000000000001" name="Needs" isCodable="true"><Code guid="00000000-0000-0000-0000-000000000002" name="Scripts" isCodable="true"/></Code></Codes></CodeBook>');
    const r = runBinary(['import', 'c.qdc', '--to', 'frame-only'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/a codebook: 2 codes in 1 theme/);
    expect(r.stderr).toMatch(/add transcripts to frame-only\/transcripts\//);
    expect(readFileSync(join(dir, 'frame-only', 'frame.yaml'), 'utf8')).toBe('title: Imported codebook\nthemes:\n  - id: "1"\n    label: Needs\n    subthemes:\n      - id: "1.1"\n        label: Scripts\n');
  });

  it('says which file is missing', () => {
    const r = runBinary(['import', 'nope.qdpx', '--to', 'x'], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.qdpx: error unreadable-file: cannot read nope\.qdpx: ENOENT/);
  });

  it.skipIf(!haveNvivo)(haveNvivo ? 'imports a real NVivo 12 project, which then charts' : `imports a real NVivo 12 project: SKIPPED, ${NVIVO} is absent`, () => {
    const dir = tempDir();
    const r = runBinary(['import', NVIVO, '--to', 'nv'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/selection offsets read as UTF-16 units, CRLF counted as 2: 300 of 303 selections fall on word boundaries/);
    expect(r.stderr).toMatch(/finds 0 errors/);
    const chart = runBinary(['chart', 'nv', '--out', 'charts'], dir);
    expect(chart.code).toBe(0);
    expect(readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.csv'))).toHaveLength(12);
  });
});
