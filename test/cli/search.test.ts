import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { copyProject, EXAMPLE, runBinary, runInProcess } from '../helpers.js';

interface JsonHit {
  transcript: string;
  line: number;
  speaker?: string;
  start: number;
  end: number;
  left: string;
  match: string;
  right: string;
}

async function hits(args: string[], dir = EXAMPLE): Promise<{ hits: JsonHit[]; understood: string; counts: Record<string, number> }> {
  const r = await runInProcess(['search', ...args, '-f', 'json'], dir);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Every occurrence of a word in the example's transcripts, by a plain scan: what search must find. */
function scan(pattern: RegExp): { transcript: string; line: number }[] {
  const out: { transcript: string; line: number }[] = [];
  const dir = join(EXAMPLE, 'transcripts');
  for (const f of readdirSync(dir).sort()) {
    readFileSync(join(dir, f), 'utf8')
      .split(/\r?\n/)
      .forEach((text, i) => {
        // Speaker labels are not what was said.
        const said = text.replace(/^[A-Z]+:/, '');
        for (const _ of said.matchAll(pattern)) out.push({ transcript: f.replace(/\.txt$/, ''), line: i + 1 });
      });
  }
  return out;
}

const key = (h: { transcript: string; line: number }) => `${h.transcript}:${h.line}`;

describe('dtors search', () => {
  it('finds every occurrence of a word a plain scan finds, and no other', async () => {
    const dir = copyProject(EXAMPLE);
    const r = await hits(['methadone'], dir);
    const expected = scan(/\bmethadone(?:['’]s)?\b/gi);
    expect(expected.length).toBeGreaterThan(40);
    expect(r.hits.map(key).sort()).toEqual(expected.map(key).sort());
    for (const h of r.hits) expect(h.match.toLowerCase()).toMatch(/^methadone/);
  });

  it('finds by stem: waiting finds wait, waited, waits; and gives offsets in code points', async () => {
    const r = await hits(['waiting']);
    const expected = scan(/\bwait(?:s|ed|ing)?\b/gi);
    expect(r.hits.map(key).sort()).toEqual(expected.map(key).sort());
    const t = readFileSync(join(EXAMPLE, 'transcripts', `${r.hits[0].transcript}.txt`), 'utf8').replace(/\r\n?/g, '\n');
    expect([...t].slice(r.hits[0].start, r.hits[0].end).join('')).toBe(r.hits[0].match);
  });

  it('answers AND within a turn, NOT, phrases and NEAR', async () => {
    const both = await hits(['script AND dose']);
    expect(both.hits.length).toBeGreaterThan(0);
    for (const h of both.hits) expect(h.match.toLowerCase()).toMatch(/script|dose/);
    const without = await hits(['script NOT dose']);
    const withIds = new Set(both.hits.map((h) => `${h.transcript}:${h.line}`));
    expect(without.hits.some((h) => withIds.has(`${h.transcript}:${h.line}`) && /dose/i.test(h.left + h.right))).toBe(false);
    const phrase = await hits(['"on top"']);
    for (const h of phrase.hits) expect(h.match.toLowerCase()).toBe('on top');
    // A phrase may run over a line end (a wrapped line): the scan reads each file whole.
    const wrapped = readdirSync(join(EXAMPLE, 'transcripts')).reduce(
      (n, f) => n + [...readFileSync(join(EXAMPLE, 'transcripts', f), 'utf8').replace(/^[A-Z]+:/gm, '').matchAll(/\bon\s+top\b/gi)].length,
      0,
    );
    expect(phrase.hits.length).toBe(wrapped);
    expect(wrapped).toBeGreaterThan(scan(/\bon top\b/gi).length);
    const near = await hits(['wait* NEAR/3 weeks']);
    for (const h of near.hits) {
      const words = h.match.split(/\s+/);
      expect(words.length).toBeLessThanOrEqual(5);
      expect(h.match.toLowerCase()).toMatch(/^wait.*weeks$|^weeks.*wait\w*$/);
    }
  });

  it('leaves out interviewer turns with --respondent-only, and filters cases with --where', async () => {
    const all = await hits(['methadone']);
    const resp = await hits(['methadone', '--respondent-only']);
    expect(resp.hits.length).toBeLessThan(all.hits.length);
    expect(resp.hits.every((h) => h.speaker !== 'INT')).toBe(true);
    const providers = await hits(['methadone', '--where', 'role=provider']);
    expect(providers.hits.every((h) => h.transcript.startsWith('S'))).toBe(true);
  });

  it('searches within coded passages, or outside them', async () => {
    const coded = await hits(['keyworker', '--coded', '1.2']);
    const uncoded = await hits(['keyworker', '--uncoded']);
    const all = await hits(['keyworker']);
    expect(coded.hits.length + uncoded.hits.length).toBeLessThanOrEqual(all.hits.length);
    expect(coded.hits.length).toBeGreaterThan(0);
    expect(uncoded.hits.length).toBeGreaterThan(0);
  });

  it('writes hits as annotation rows that load as coding', async () => {
    const dir = copyProject(EXAMPLE);
    const r = await runInProcess(['search', 'keyworker', '--uncoded', '--as-annotations', '1.2', '--out', 'annotations/search.csv'], dir);
    expect(r.code).toBe(0);
    const rows = parseCsv(readFileSync(join(dir, 'annotations', 'search.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.code === '1.2' && x.coder === 'search' && x.note === 'search: keyworker')).toBe(true);
    const v = await runInProcess(['validate', '.'], dir);
    expect(v.code).toBe(0);
  });

  it('keeps its index in .dtors/ and rebuilds a transcript that changed', async () => {
    const dir = copyProject(EXAMPLE);
    await hits(['methadone'], dir);
    expect(existsSync(join(dir, '.dtors', 'search-index.bin'))).toBe(true);
    expect(readFileSync(join(dir, '.dtors', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'transcripts', 'P01-baseline.txt'), 'INT: Anything else?\nRESP: Zyzzyva methadone.\n');
    const r = await hits(['zyzzyva'], dir);
    expect(r.hits).toEqual([expect.objectContaining({ transcript: 'P01-baseline', line: 2, match: 'Zyzzyva', right: 'methadone.' })]);
  });

  it('answers from its kept index as it does when building it, quoting unchanged transcripts from the index', async () => {
    const dir = copyProject(EXAMPLE);
    const { utimesSync, statSync, writeFileSync } = await import('node:fs');
    // Transcripts last changed an hour ago: old enough for the index to vouch for them (see searchIndex.ts).
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const f of readdirSync(join(dir, 'transcripts'))) utimesSync(join(dir, 'transcripts', f), hourAgo, hourAgo);
    const queries = [['methadone'], ['"on top" NEAR/10 crack'], ['wait* AND NOT script'], ['keyworker', '--respondent-only'], ['dose', '--where', 'route=criminal justice']];
    const built = [];
    for (const q of queries) {
      rmSync(join(dir, '.dtors'), { recursive: true, force: true });
      built.push(await hits(q, dir));
    }
    const index = join(dir, '.dtors', 'search-index.bin');
    const before = statSync(index).mtimeMs;
    for (const [i, q] of queries.entries()) expect(await hits(q, dir)).toEqual(built[i]);
    // Unchanged transcripts are not indexed again, and the kept index is not rewritten.
    expect(statSync(index).mtimeMs).toBe(before);
    // A transcript saved again unchanged keeps its words; its new stamp is kept.
    const p01 = join(dir, 'transcripts', 'P01-baseline.txt');
    writeFileSync(p01, readFileSync(p01));
    expect(await hits(['methadone'], dir)).toEqual(built[0]);
  });

  it('prints a table with references, and says how it read the query', () => {
    const r = runBinary(['search', EXAMPLE, 'methadone', 'AND', 'dose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Search: methadone AND dose\n/);
    expect(r.stdout).toMatch(/\| ref \| case \| speaker \| left \| match \| right \|/);
    expect(r.stdout).toMatch(/\| S02:\d+ \| S02 \| RESP \|/);
    expect(r.stderr).toMatch(/dtors: \d+ hits in \d+ turns of \d+ transcripts for methadone AND dose/);
  });

  it('points at the mistake in a query that does not parse', async () => {
    const r = await runInProcess(['search', '(methadone OR dose'], EXAMPLE);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('dtors: error: the query does not parse: a parenthesis is not closed\n  (methadone OR dose\n  ^\n');
  });
});
