import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLock, emptyLock, lockedHashes, lockKeys, parseLock, serialiseLock, unlockedCount, type LockEntry } from '../../src/anchor/lock.js';
import { anchorAll } from '../../src/anchor/anchor.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../helpers.js';

function project(files: Record<string, string> = {}) {
  const dir = writeProject(files);
  const { project } = loadProject(dir);
  if (!project) throw new Error('no project');
  return project;
}

describe('the anchor lock', () => {
  it('records each located passage with its transcript hash, exact text and context', () => {
    const p = project();
    const lock = buildLock(p, anchorAll(p).segments, emptyLock(), new Set());
    expect(lock.entries).toHaveLength(3);
    const [lines, quote] = lock.entries;
    expect(lines).toMatchObject({ file: 'a.csv', transcript: 'P1', code: '1.1', lines: '2', exact: 'RESP: I wanted a script.', prefix: 'INT: Hello?\n', suffix: '\nRESP: And support from my keyworker.\n' });
    expect(lines.sha256).toMatch(/^[0-9a-f]{64}$/);
    // A quoted passage locks the words it resolved to, with what surrounds them.
    expect(quote).toMatchObject({ lines: '3', exact: 'support from my keyworker', suffix: '.\n' });
    expect(quote.prefix.endsWith('RESP: And ')).toBe(true);
  });

  it('is deterministic and reads back as written', () => {
    const p = project();
    const text = serialiseLock(buildLock(p, anchorAll(p).segments, emptyLock(), new Set()));
    expect(serialiseLock(buildLock(p, anchorAll(p).segments, emptyLock(), new Set()))).toBe(text);
    const back = parseLock(text, '/p/dtors.lock.json');
    expect(back.diagnostics).toEqual([]);
    expect(serialiseLock(back.lock)).toBe(text);
  });

  it('keys rows by id when they have one, else by what they say, telling identical rows apart', () => {
    const p = project({ 'a.csv': 'id,transcript,code,lines\nx1,P1,1.1,2\n,P1,1.1,2\n,P1,1.1,2\n,P1,1.1,3\n' });
    const keys = lockKeys(p);
    expect(new Set(keys).size).toBe(4);
    // Moving a row with an id to another line keeps its key; editing another row's lines changes its key.
    const moved = project({ 'a.csv': 'id,transcript,code,lines\nx1,P1,1.1,3\n,P1,1.1,2\n,P1,1.1,2\n,P1,1.1,2\n' });
    const movedKeys = lockKeys(moved);
    expect(movedKeys[0]).toBe(keys[0]);
    expect(movedKeys[3]).not.toBe(keys[3]);
  });

  it('keeps the old entry of a drifted or unlocatable passage, and drops entries of rows that are gone', () => {
    const p = project();
    const all = buildLock(p, anchorAll(p).segments, emptyLock(), new Set());
    const stale = { ...all.entries[0], exact: 'the old words' };
    const previous = { entries: [stale, ...all.entries.slice(1), { ...stale, key: 'ffffffffffffffff' }], byKey: new Map([[stale.key, stale], ...all.entries.slice(1).map((e) => [e.key, e] as const), ['ffffffffffffffff', { ...stale, key: 'ffffffffffffffff' }]]) };
    const kept = buildLock(p, anchorAll(p).segments, previous, new Set([p.annotations[0].index]));
    expect(kept.entries.map((e) => e.exact)).toEqual(['the old words', all.entries[1].exact, all.entries[2].exact]);
  });

  it('reports a merge conflict at its marker, and a wrong field where it is', () => {
    const conflict = '{\n "dtorsLock": 1,\n<<<<<<< HEAD\n "annotations": []\n=======\n "annotations": []\n>>>>>>> theirs\n}\n';
    const c = parseLock(conflict, '/p/dtors.lock.json');
    expect(c.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['lock-invalid', 3, 1]]);
    expect(c.diagnostics[0].message).toMatch(/merge-conflict markers/);
    const wrong = '{\n "dtorsLock": 1,\n "annotations": [\n  {"key": "abc"}\n ]\n}\n';
    const w = parseLock(wrong, '/p/dtors.lock.json');
    expect(w.diagnostics.length).toBeGreaterThan(0);
    expect(w.diagnostics.every((d) => d.code === 'lock-invalid' && d.line === 4)).toBe(true);
  });

  it('computes only the keys asked for, numbering identical rows as before', () => {
    const p = project({ 'a.csv': 'transcript,code,lines\nP1,1.1,2\nP1,1.1,2\nP1,1.1,3\n' });
    const all = lockKeys(p);
    expect(lockKeys(p, (a) => a.lines!.start === 2 && a.index > 0)).toEqual(['', all[1], '']);
  });

  it('counts the annotations the lock has no entry for', () => {
    const p = project();
    const lock = buildLock(p, anchorAll(p).segments, emptyLock(), new Set());
    expect(unlockedCount(p, lock)).toBe(0);
    const [, ...rest] = lock.entries;
    expect(unlockedCount(p, { entries: rest, byKey: new Map(rest.map((e) => [e.key, e])) })).toBe(1);
    expect(unlockedCount(p, emptyLock())).toBe(p.annotations.length);
  });
});

describe('reading only the hashes of a lock', () => {
  const sha = (c: string) => c.repeat(64);
  const entry = (over: Partial<LockEntry> = {}): LockEntry => ({ key: '0123456789abcdef', file: 'a.csv', transcript: 'P1', code: '1.1', lines: '2-3', sha256: sha('a'), exact: 'x', prefix: '', suffix: '', ...over });
  const lockOf = (entries: LockEntry[]) => serialiseLock({ entries, byKey: new Map(entries.map((e) => [e.key, e])) });

  it('gives every transcript the hashes its entries were locked against, whatever the text holds', () => {
    const odd = 'a "quote", a \\ backslash, a tab\t, \u0001, \u2028, an emoji 🙂 and a lone \ud800';
    const text = lockOf([
      entry(),
      entry({ key: '1123456789abcdef', id: odd, sha256: sha('b'), exact: odd, prefix: odd, suffix: '\n' }),
      entry({ key: '2123456789abcdef', transcript: 'P "2" \\', code: odd, file: odd }),
    ]);
    expect(parseLock(text, 'x').diagnostics).toEqual([]);
    expect(lockedHashes(text)).toEqual(new Map([['P1', new Set([sha('a'), sha('b')])], ['P "2" \\', new Set([sha('a')])]]));
  });

  it('declines any file not in the layout dtors writes, so that it is parsed in full', () => {
    const text = lockOf([entry(), entry({ key: '1123456789abcdef' })]);
    const value = JSON.parse(text);
    for (const other of [
      JSON.stringify(value, null, 2),
      text.replace(/\n/g, '\r\n'),
      text.replace('"exact":"x"', '"exact":""'),
      text.replace('"lines":"2-3"', '"lines":"two"'),
      text.replace('"code":"1.1"', '"code":"1.1","extra":"y"'),
      text.replace('},\n', '}\n'),
      text.replace(']}\n', ']}'),
      lockOf([]),
      `<<<<<<< HEAD\n${text}`,
    ])
      expect(lockedHashes(other)).toBeUndefined();
  });

  it('accepts only what parseLock reads without a diagnostic (any one character changed)', () => {
    const text = lockOf([entry({ id: 'a1', exact: 'said "no"\n', prefix: 'p', suffix: 's' }), entry({ key: '1123456789abcdef', transcript: 'P2' })]);
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.constantFrom('"', '\\', '\n', '\u0001', ',', '}', '{', 'a', '0', 'z', ':', ' '), (at, c) => {
        const changed = text.slice(0, at) + c + text.slice(at + 1);
        if (lockedHashes(changed) !== undefined) expect(parseLock(changed, 'x').diagnostics).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
