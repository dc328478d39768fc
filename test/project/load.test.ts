import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorAll } from '../../src/anchor/anchor.js';
import { sortDiagnostics } from '../../src/model/diagnostics.js';
import { projectWarnings } from '../../src/project/checks.js';
import { InputChanged } from '../../src/project/files.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../helpers.js';

/** Every diagnostic as [severity, code, file, line, col], the things a user acts on. */
function check(files: Record<string, string | Uint8Array | null>) {
  const dir = writeProject(files);
  const loaded = loadProject(dir);
  const ds = [...loaded.diagnostics];
  if (loaded.project) {
    const a = anchorAll(loaded.project);
    ds.push(...a.diagnostics);
    ds.push(...projectWarnings(loaded.project, { coverage: !ds.some((d) => d.severity === 'error') }));
  }
  return sortDiagnostics(ds).map((d) => [d.severity, d.code, d.file ? d.file.slice(dir.length + 1) : null, d.line ?? null, d.col ?? null, d.hint ?? null]);
}

describe('a valid project', () => {
  it('loads with no diagnostics', () => {
    expect(check({})).toEqual([]);
  });
});

// Each row: what is changed, and the diagnostics expected: [severity, code, file, line, col].
const CASES: [string, Record<string, string | Uint8Array | null>, [string, string, string | null, number | null, number | null][]][] = [
  ['unknown key in dtors.yaml', { 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotation: [a.csv]\n' }, [
    ['error', 'missing-field', 'dtors.yaml', 1, 1],
    ['error', 'unknown-key', 'dtors.yaml', 4, 1],
  ]],
  ['YAML syntax error', { 'dtors.yaml': 'version: 1\ntranscripts: [t/\n' }, [['error', 'yaml-syntax', 'dtors.yaml', 2, 14]]],
  ['duplicate key', { 'dtors.yaml': 'version: 1\nversion: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: a.csv\n' }, [['error', 'duplicate-key', 'dtors.yaml', 2, 1]]],
  ['wrong version', { 'dtors.yaml': 'version: 2\ntranscripts: t/\nframe: frame.yaml\nannotations: a.csv\n' }, [['error', 'invalid-value', 'dtors.yaml', 1, 10]]],
  ['missing frame file', { 'frame.yaml': null }, [['error', 'missing-file', 'dtors.yaml', 3, 8]]],
  ['duplicate frame id', { 'frame.yaml': 'themes:\n  - id: "1"\n    label: A\n    subthemes:\n      - id: "1.1"\n        label: B\n      - id: "1.2"\n        label: C\n      - id: "1"\n        label: D\n' }, [['error', 'duplicate-id', 'frame.yaml', 9, 13]]],
  ['frame node without label', { 'frame.yaml': 'themes:\n  - id: "1"\n    subthemes:\n      - id: "1.1"\n        label: B\n      - id: "1.2"\n        label: C\n' }, [['error', 'missing-field', 'frame.yaml', 2, 5]]],
  ['unknown code with a hint', { 'a.csv': 'transcript,code,lines\nP1,1.3,2\nP1,1.1,2\nP2,1.2,2\n' }, [['error', 'unknown-code', 'a.csv', 2, 4]]],
  ['unknown transcript', { 'a.csv': 'transcript,code,lines\nP3,1.1,2\nP1,1.2,2\nP2,1.2,2\n' }, [['error', 'unknown-transcript', 'a.csv', 2, 1]]],
  ['lines out of range', { 'a.csv': 'transcript,code,lines\nP1,1.1,2-9\nP2,1.2,2\n' }, [['error', 'lines-out-of-range', 'a.csv', 2, 8]]],
  ['start after end', { 'a.csv': 'transcript,code,lines\nP1,1.1,3-2\nP2,1.2,2\n' }, [['error', 'invalid-lines', 'a.csv', 2, 8]]],
  ['non-numeric lines', { 'a.csv': 'transcript,code,lines\nP1,1.1,two\nP2,1.2,2\n' }, [['error', 'invalid-value', 'a.csv', 2, 8]]],
  ['neither lines nor quote', { 'a.csv': 'transcript,code,summary\nP1,1.1,x\n' }, [['error', 'missing-anchor', 'a.csv', 2, 1]]],
  ['quote not found', { 'a.csv': 'transcript,code,quote\nP1,1.1,a script please\nP2,1.2,Support mostly\n' }, [['error', 'quote-not-found', 'a.csv', 2, 8]]],
  ['quote found twice', { 'a.csv': 'transcript,code,quote\nP1,1.1,RESP\nP2,1.2,Support mostly\n' }, [['error', 'quote-ambiguous', 'a.csv', 2, 8]]],
  ['quote outside its lines', { 'a.csv': 'transcript,code,lines,quote\nP1,1.1,3,a script\nP2,1.2,2,\n' }, [['error', 'quote-outside-lines', 'a.csv', 2, 10]]],
  ['YAML annotations with start and end, and an unknown key', {
    'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: a.yaml\n',
    'a.yaml': '- transcript: P1\n  code: "1.1"\n  start: 2\n  end: 3\n  sumary: x\n- transcript: P2\n  code: 1.2\n  lines: "2"\n',
  }, [['warning', 'unknown-column', 'a.yaml', 5, 3]]],
  ['empty YAML quote', { 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: a.yaml\n', 'a.yaml': '- transcript: P1\n  code: "1.1"\n  quote: ""\n' }, [
    ['error', 'empty-quote', 'a.yaml', 3, 10],
  ]],
  ['missing required column', { 'a.csv': 'transcript,lines\nP1,2\n' }, [['error', 'missing-column', 'a.csv', 1, 1]]],
  ['unknown column is a warning', { 'a.csv': 'transcript,code,lines,sumary\nP1,1.1,2,x\nP1,1.2,3,\nP2,1.2,2,\n' }, [['warning', 'unknown-column', 'a.csv', 1, 23]]],
  ['invalid UTF-8 transcript', { 't/P2.txt': Uint8Array.from([0x52, 0x45, 0x53, 0x50, 0x3a, 0x20, 0xe9, 0x0a]) }, [['error', 'invalid-encoding', 't/P2.txt', 1, 7]]],
  ['NUL bytes', { 't/P2.txt': 'RESP: a\0b\n' }, [['error', 'binary-file', 't/P2.txt', 1, 8]]],
  ['duplicate transcript id', { 't/sub/P2.txt': 'RESP: again\n' }, [['error', 'duplicate-transcript-id', 't/sub/P2.txt', 1, 1]]],
  ['case with an unknown transcript, and a transcript without a case', { 'cases.csv': 'case,transcripts\nP1,P1\nP3,P3\n' }, [
    ['warning', 'case-without-transcript', 'cases.csv', 3, 1],
    ['error', 'unknown-transcript', 'cases.csv', 3, 4],
    ['warning', 'transcript-without-case', 't/P2.txt', 1, 1],
  ]],
  ['warnings: uncoded transcript, case without transcript, uncoded sub-theme, duplicate annotation', {
    't/P3.txt': 'RESP: nothing coded\n',
    'cases.csv': 'case,route\nP1,cj\nP2,other\nP3,x\nP4,y\n',
    'a.csv': 'transcript,code,lines\nP1,1.1,2\nP1,1.1,2\nP2,1.1,2\n',
  }, [
    ['warning', 'duplicate-annotation', 'a.csv', 3, 1],
    ['warning', 'case-without-transcript', 'cases.csv', 5, 1],
    ['warning', 'uncoded-subtheme', 'frame.yaml', 7, 13],
    ['warning', 'uncoded-transcript', 't/P3.txt', 1, 1],
  ]],
  ['summaries: unknown case, unknown code, duplicate, contradicted absence', {
    'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: cases.csv\nsummaries: s.csv\n',
    's.csv': 'case,code,summary\nP9,1.1,x\nP1,9.9,x\nP1,1.1,[not discussed]\nP1,1.1,again\n',
  }, [
    ['error', 'unknown-case', 's.csv', 2, 1],
    ['error', 'unknown-code', 's.csv', 3, 4],
    ['warning', 'absence-contradicted', 's.csv', 4, 8],
    ['error', 'duplicate-summary', 's.csv', 5, 8],
  ]],
  ['speaker pattern that is not a regular expression', { 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\nspeakers:\n  pattern: "([A-Z]+"\n' }, [
    ['error', 'invalid-pattern', 'dtors.yaml', 6, 12],
  ]],
  ['a missing cases file is one error, not a cascade', { 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: case.csv\nchart:\n  sort: [route]\n' }, [
    ['error', 'missing-file', 'dtors.yaml', 5, 8],
  ]],
  ['a transcript in two cases leaves no spurious warning', { 'cases.csv': 'case,transcripts\nP1,P1;P2\nP2,P2\n' }, [
    ['error', 'transcript-in-two-cases', 'cases.csv', 3, 4],
  ]],
  ['tabs in YAML: one error with a hint', { 'frame.yaml': 'themes:\n\t- id: "1"\n\t  label: x\n' }, [['error', 'yaml-syntax', 'frame.yaml', 2, 1]]],
  ['columns that differ only in case', { 'a.csv': 'transcript,code,Code,lines\nP1,1.1,1.2,2\nP1,1.2,,3\nP2,1.2,,2\n' }, [['error', 'duplicate-column', 'a.csv', 1, 17]]],
  ['a header cell without a name', { 'cases.csv': 'case,route,\nP1,cj,x\nP2,other,\n' }, [['warning', 'unknown-column', 'cases.csv', 1, 12]]],
  ['chart defaults in dtors.yaml: attributes none, an unknown coder', { 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: cases.csv\nchart:\n  attributes: none\n  coders: [nobody]\n' }, [
    ['error', 'unknown-coder', 'dtors.yaml', 8, 12],
  ]],
  ['a transcript id that would break references', { 't/P:3.txt': 'RESP: x\n' }, [['error', 'invalid-transcript-id', 't/P:3.txt', 1, 1]]],
  ['numeric ids in YAML', {
    'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: a.yaml\n',
    't/007.txt': 'RESP: agent\n',
    'a.yaml': '- transcript: 007\n  code: 1.1\n  lines: 1\n- transcript: P1\n  code: 1.2\n  lines: 2\n- transcript: P2\n  code: 1.2\n  lines: 2\n',
  }, []],
  ['glob that matches nothing', { 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv, b/*.csv]\n' }, [['error', 'no-match', 'dtors.yaml', 4, 22]]],
];

describe('diagnostics for bad input', () => {
  it.each(CASES)('%s', (_name, files, expected) => {
    expect(check(files).map((d) => d.slice(0, 5))).toEqual(expected);
  });

  it('gives "did you mean" hints with the code\'s label', () => {
    const [d] = check({ 'a.csv': 'transcript,code,lines\nP1,1.3,2\nP1,1.1,2\nP2,1.2,2\n' });
    expect(d[5]).toMatch(/did you mean 1\.2 Support or 1\.1 Scripts\?/);
    const [t] = check({ 'a.csv': 'transcript,code,lines\nP01,1.1,2\nP1,1.2,2\nP2,1.2,2\n' });
    expect(t[5]).toBe('did you mean "P1"?');
  });

  it('reports a missing project as an environment problem', () => {
    const r = loadProject(join(writeProject(), 'nope'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['project-not-found']);
  });
});

describe('transcripts known from an earlier read', () => {
  const stampOfFile = (path: string) => {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
  };

  it('are trusted unread while their stamp matches: the hash and text are the ones known', () => {
    const dir = writeProject();
    const path = join(dir, 't', 'P1.txt');
    const known = new Map([['t/P1.txt', { stamp: stampOfFile(path), sha256: 'f'.repeat(64), text: () => 'INT: known\nRESP: from before\n' }]]);
    const r = loadProject(dir, { known });
    expect(r.diagnostics).toEqual([]);
    expect(r.project!.inputs.find((i) => i.path === 't/P1.txt')!.sha256).toBe('f'.repeat(64));
    const t = r.project!.transcripts.get('P1')!;
    expect(t.text).toBe('INT: known\nRESP: from before\n');
    expect(t.turns.map((x) => x.label)).toEqual(['INT', 'RESP']);
    // The other transcript was read as usual, and carries its stamp for next time.
    expect(r.project!.transcripts.get('P2')!.stamp).toEqual(stampOfFile(join(dir, 't', 'P2.txt')));
  });

  it('are read again when the stamp differs', () => {
    const dir = writeProject();
    const path = join(dir, 't', 'P1.txt');
    const stamp = { ...stampOfFile(path), size: 1 };
    const r = loadProject(dir, { known: new Map([['t/P1.txt', { stamp, sha256: 'f'.repeat(64), text: () => 'stale' }]]) });
    expect(r.project!.inputs.find((i) => i.path === 't/P1.txt')!.sha256).not.toBe('f'.repeat(64));
    expect(r.project!.transcripts.get('P1')!.text).toBe(readFileSync(path, 'utf8'));
  });

  it('read later from disk stop the run if the file changed in between', () => {
    const dir = writeProject();
    const path = join(dir, 't', 'P1.txt');
    const r = loadProject(dir, { known: new Map([['t/P1.txt', { stamp: stampOfFile(path), sha256: 'f'.repeat(64) }]]) });
    writeFileSync(path, 'INT: edited meanwhile, and longer than before\n');
    expect(() => r.project!.transcripts.get('P1')!.text).toThrow(InputChanged);
  });

  it('carry no stamp when they were read with a warning, so are never trusted unread', () => {
    const dir = writeProject({ 't/P1.txt': '' });
    const r = loadProject(dir);
    expect(r.diagnostics.map((d) => d.code)).toContain('empty-transcript');
    expect(r.project!.transcripts.get('P1')!.stamp).toBeUndefined();
  });

  it('leave the frame unread when asked', () => {
    const dir = writeProject({ 'frame.yaml': 'not: [a frame' });
    const r = loadProject(dir, { frame: false, coding: false });
    expect(r.diagnostics).toEqual([]);
    expect(r.project!.frame.nodes.size).toBe(0);
  });
});
