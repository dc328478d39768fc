/**
 * bench/edits.mjs: the seeded transcript edits of the benchmark and their ground truth. The truth must
 * be exact, so the text at truth[i] in the edited transcript is checked against the original span's
 * text, for every edit kind, on a real example transcript and several seeds.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-ignore -- a plain JavaScript module without type declarations; typed below
import * as editsModule from '../../bench/edits.mjs';

interface Span {
  start: number;
  end: number;
}
interface Replacement {
  at: number;
  remove: number;
  insert: string;
}
interface Edits {
  EDIT_KINDS: string[];
  rng(seed: number): () => number;
  replace(text: string, replacements: Replacement[], spans: Span[]): { text: string; truth: (Span | null)[]; touched: boolean[] };
  applyEdit(kind: string, text: string, spans: Span[], random: () => number): { text: string; truth: (Span | null)[]; changed: number };
}
const { EDIT_KINDS, rng, replace, applyEdit } = editsModule as Edits;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TRANSCRIPT = readFileSync(join(ROOT, 'examples', 'dtors', 'transcripts', 'P01-baseline.txt'), 'utf8').replace(/\r\n?/g, '\n');
const SEEDS = [1, 2, 3, 42, 0xdeadbeef];

const lf = (s: string) => s.replace(/\r\n/g, '\n');
const collapse = (s: string) => s.replace(/\s+/g, ' ');
const LABEL = /^(\[[0-9:.]+\][ \t]*)?[A-Za-z][A-Za-z0-9 ]{0,30}:/gm;
const unlabel = (s: string) => collapse(s.replace(LABEL, ''));
const at = (text: string, span: Span) => text.slice(span.start, span.end);

/** Levenshtein distance, for the typo checks. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * 20 spans on the transcript: 10 whole-line ranges (a line start to a line end, 1-3 lines, some with
 * the final LF) and 10 mid-line phrases (word boundary to word boundary), two of them overlapping
 * whole-line ranges.
 */
function makeSpans(text: string): Span[] {
  const lines: { start: number; end: number }[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    lines.push({ start, end: start + line.length });
    start += line.length + 1;
  }
  const content = lines.map((l, i) => ({ ...l, i })).filter((l) => text.slice(l.start, l.end).trim() !== '');
  const spans: Span[] = [];
  // Whole-line ranges, spread over the transcript.
  for (let k = 0; k < 10; k++) {
    const first = content[Math.floor(((k + 0.5) * content.length) / 10)];
    let last = first.i + (k % 3);
    while (text.slice(lines[last].start, lines[last].end).trim() === '') last--;
    spans.push({ start: first.start, end: lines[last].end + (k % 4 === 1 ? 1 : 0) });
  }
  // Mid-line phrases: words 2..6 of lines between the ranges (two of them inside ranges: overlaps).
  for (let k = 0; k < 10; k++) {
    const line = content[Math.floor(((k + (k < 2 ? 0.5 : 0.95)) * content.length) / 10)];
    const words = [...text.slice(line.start, line.end).matchAll(/\S+/g)];
    const from = Math.min(1, words.length - 1);
    const to = Math.min(from + 2 + (k % 4), words.length - 1);
    spans.push({ start: line.start + words[from].index!, end: line.start + words[to].index! + words[to][0].length });
  }
  return spans;
}
const SPANS = makeSpans(TRANSCRIPT);
const overlaps = (i: number) => SPANS.filter((s, j) => j !== i && s.start < SPANS[i].end && SPANS[i].start < s.end).length;

describe('rng', () => {
  it('is seeded and in [0, 1)', () => {
    const a = rng(7);
    const b = rng(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(rng(8)()).not.toBe(rng(7)());
  });
});

describe('replace', () => {
  const text = '0123456789abcdefghij';

  it('applies replacements in any order', () => {
    const r = replace(text, [{ at: 10, remove: 2, insert: 'XYZ' }, { at: 0, remove: 1, insert: '' }], []);
    expect(r.text).toBe('123456789XYZcdefghij');
  });

  it('shifts spans before and after a replaced region', () => {
    const r = replace(text, [{ at: 10, remove: 2, insert: 'XYZ' }], [{ start: 2, end: 5 }, { start: 13, end: 16 }]);
    expect(r.truth).toEqual([{ start: 2, end: 5 }, { start: 14, end: 17 }]);
    expect(r.touched).toEqual([false, false]);
  });

  it('keeps pure insertions at a boundary outside the span', () => {
    const r = replace(text, [{ at: 5, remove: 0, insert: '--' }, { at: 8, remove: 0, insert: '++' }], [{ start: 5, end: 8 }]);
    expect(r.text).toBe('01234--567++89abcdefghij');
    expect(r.truth).toEqual([{ start: 7, end: 10 }]);
    expect(at(r.text, r.truth[0]!)).toBe('567');
    expect(r.touched).toEqual([true]);
  });

  it('maps a boundary inside a region to the start or end of the inserted text', () => {
    // A region ending at the span's start, one starting at its end: neither changes the span's text.
    const edge = replace(text, [{ at: 2, remove: 3, insert: 'A' }, { at: 8, remove: 2, insert: 'BBBB' }], [{ start: 5, end: 8 }]);
    expect(at(edge.text, edge.truth[0]!)).toBe('567');
    // Straddling the start: the start moves to the start of the inserted text.
    const s = replace(text, [{ at: 3, remove: 4, insert: 'XY' }], [{ start: 5, end: 12 }]);
    expect(s.text).toBe('012XY789abcdefghij');
    expect(s.truth).toEqual([{ start: 3, end: 10 }]);
    // Straddling the end: the end moves to the end of the inserted text.
    const e = replace(text, [{ at: 10, remove: 4, insert: 'XY' }], [{ start: 5, end: 12 }]);
    expect(e.truth).toEqual([{ start: 5, end: 12 }]);
    expect(at(e.text, e.truth[0]!)).toBe('56789XY');
    // A region inside the span: start and end shift around it.
    const i = replace(text, [{ at: 7, remove: 1, insert: '' }, { at: 9, remove: 0, insert: '!' }], [{ start: 5, end: 12 }]);
    expect(at(i.text, i.truth[0]!)).toBe('568!9ab');
  });

  it('gives null for spans that lost more than half their characters', () => {
    const r = replace(
      text,
      [{ at: 4, remove: 8, insert: '' }],
      [
        { start: 5, end: 8 }, // entirely deleted
        { start: 10, end: 16 }, // 2 of 6 deleted: kept, start at the deletion point
        { start: 8, end: 14 }, // 4 of 6 deleted: null
        { start: 0, end: 8 }, // 4 of 8 deleted: exactly half remains, kept
      ],
    );
    expect(r.text).toBe('0123cdefghij');
    expect(r.truth).toEqual([null, { start: 4, end: 8 }, null, { start: 0, end: 4 }]);
  });

  it('does not count substitutions as deletions', () => {
    const r = replace(text, [{ at: 5, remove: 3, insert: 'xyz' }], [{ start: 5, end: 8 }]);
    expect(r.truth).toEqual([{ start: 5, end: 8 }]);
  });

  it('rejects overlapping replacements', () => {
    expect(() => replace(text, [{ at: 2, remove: 4, insert: '' }, { at: 5, remove: 1, insert: '' }], [])).toThrow(/overlapping/);
  });
});

describe('applyEdit on P01-baseline', () => {
  it('has spans of both shapes', () => {
    expect(SPANS).toHaveLength(20);
    for (const s of SPANS) expect(s.end).toBeGreaterThan(s.start);
    expect(SPANS.filter((s) => s.start === 0 || TRANSCRIPT[s.start - 1] === '\n').length).toBeGreaterThanOrEqual(10);
    expect(SPANS.filter((s) => TRANSCRIPT[s.start - 1] === ' ').length).toBeGreaterThanOrEqual(5);
    expect(SPANS.some((_, i) => overlaps(i) > 0)).toBe(true);
  });

  for (const kind of ['insert-above', 'delete-above', 'typo-fix', 'rewrap', 'crlf', 'rename-speakers', 'delete-passage', 'mixed']) {
    describe(kind, () => {
      for (const seed of SEEDS) {
        it(`seed ${seed}`, () => {
          const input = SPANS.map((s) => ({ ...s }));
          const result = applyEdit(kind, TRANSCRIPT, input, rng(seed));
          expect(input).toEqual(SPANS); // the spans are not modified
          // Deterministic.
          expect(applyEdit(kind, TRANSCRIPT, SPANS, rng(seed))).toEqual(result);
          // Something changed.
          expect(result.text).not.toBe(TRANSCRIPT);
          expect(result.truth).toHaveLength(SPANS.length);
          expect(result.changed).toBeGreaterThanOrEqual(0);
          expect(result.changed).toBeLessThanOrEqual(SPANS.length);
          if (kind !== 'crlf' && kind !== 'mixed') expect(result.text).not.toContain('\r');
          const edited = lf(result.text);
          for (const t of result.truth) {
            if (t === null) continue;
            expect(t.start).toBeGreaterThanOrEqual(0);
            expect(t.end).toBeGreaterThanOrEqual(t.start);
            expect(t.end).toBeLessThanOrEqual(edited.length);
          }
          check(kind, edited, result);
        });
      }
    });
  }

  function check(kind: string, edited: string, result: { text: string; truth: (Span | null)[]; changed: number }) {
    const texts = SPANS.map((s) => at(TRANSCRIPT, s));
    const now = result.truth.map((t) => (t ? at(edited, t) : null));
    if (kind === 'insert-above' || kind === 'delete-above' || kind === 'crlf' || kind === 'rewrap') {
      expect(now.map((t) => t && collapse(t))).toEqual(texts.map(collapse));
    }
    if (kind === 'insert-above' || kind === 'delete-above' || kind === 'crlf') expect(now).toEqual(texts); // not even whitespace changes
    if (kind === 'crlf') {
      expect(result.truth).toEqual(SPANS);
      expect(result.text).toBe(TRANSCRIPT.replace(/\n/g, '\r\n'));
    }
    if (kind === 'rewrap') {
      expect(collapse(edited)).toBe(collapse(TRANSCRIPT));
      // Turns stay turns: the same labels start the same paragraphs.
      const starts = (s: string) => s.split(/\n\s*\n/).map((p) => p.split(':')[0].slice(0, 10));
      expect(starts(edited)).toEqual(starts(TRANSCRIPT));
    }
    if (kind === 'rename-speakers') {
      expect(now.map((t) => t && unlabel(t))).toEqual(texts.map(unlabel));
      expect(unlabel(edited)).toBe(unlabel(TRANSCRIPT));
      expect(edited).not.toMatch(/^INT:/m);
      expect(edited).not.toMatch(/^RESP:/m);
      // Consistent: each old label became one new label.
      const labels = (s: string) => [...s.matchAll(/^([A-Za-z][A-Za-z0-9 ]{0,30}):/gm)].map((m) => m[1]);
      const before = labels(TRANSCRIPT);
      const after = labels(edited);
      expect(after).toHaveLength(before.length);
      const mapping = new Map<string, Set<string>>();
      before.forEach((l, i) => mapping.set(l, (mapping.get(l) ?? new Set()).add(after[i])));
      for (const targets of mapping.values()) expect(targets.size).toBe(1);
    }
    if (kind === 'typo-fix') {
      let differing = 0;
      texts.forEach((original, i) => {
        const t = now[i];
        expect(t).not.toBeNull();
        const budget = 1 + overlaps(i);
        expect(Math.abs(t!.length - original.length)).toBeLessThanOrEqual(3 * budget);
        expect(distance(t!, original)).toBeLessThanOrEqual(6 * budget);
        if (t !== original) differing++;
      });
      expect(differing).toBeGreaterThanOrEqual(1);
      // Nothing outside the spans changed: the text between the spans' union is as before.
      expect(Math.abs(edited.length - TRANSCRIPT.length)).toBeLessThanOrEqual(3 * 20);
    }
    if (kind === 'delete-passage') {
      expect(result.truth.some((t) => t === null)).toBe(true);
      expect(edited.length).toBeLessThan(TRANSCRIPT.length);
      texts.forEach((original, i) => {
        const t = now[i];
        if (t === null) return;
        // Intact, or (straddling a deleted turn) the surviving part, at least half of it.
        expect(original.includes(t)).toBe(true);
        expect(2 * t.length).toBeGreaterThanOrEqual(original.length);
      });
    }
    if (kind === 'mixed') {
      expect(result.text).toContain('\r\n');
      texts.forEach((original, i) => {
        const t = now[i];
        expect(t).not.toBeNull();
        const a = unlabel(original);
        const b = unlabel(t!);
        expect(distance(a, b)).toBeLessThanOrEqual(6 * (1 + overlaps(i)));
      });
    }
  }

  it('different seeds give different edits', () => {
    for (const kind of EDIT_KINDS) {
      if (kind === 'crlf') continue;
      const outputs = new Set(SEEDS.map((seed) => applyEdit(kind, TRANSCRIPT, SPANS, rng(seed)).text));
      expect(outputs.size, kind).toBeGreaterThan(1);
    }
  });

  it('rejects unknown kinds and spans outside the text', () => {
    expect(() => applyEdit('shuffle', TRANSCRIPT, SPANS, rng(1))).toThrow(/unknown/);
    expect(() => applyEdit('crlf', TRANSCRIPT, [{ start: 5, end: TRANSCRIPT.length + 1 }], rng(1))).toThrow(/bad span/);
  });
});

describe('applyEdit on other layouts', () => {
  const text = [
    'Header line of a generated transcript',
    '',
    '[00:10] Interviewer: So what was that like for you, at the start of it all then?',
    '',
    '[00:25] Participant 2: Honestly it was a relief, because nobody had really listened before',
    'that, and she did, properly listened to what I was saying about everything.',
    'Interviewer: Right.',
    '',
  ].join('\n');
  const spans = [
    { start: text.indexOf('Honestly'), end: text.indexOf('everything.') + 'everything.'.length },
    { start: text.indexOf('nobody'), end: text.indexOf('listened before') + 'listened'.length },
  ];

  it('renames timestamped labels and keeps turns apart when re-wrapping', () => {
    for (const seed of SEEDS) {
      const renamed = applyEdit('rename-speakers', text, spans, rng(seed));
      expect(renamed.text).not.toMatch(/Interviewer:|Participant 2:/);
      expect(renamed.text).toMatch(/^\[00:10\] [^:]+: So what/m);
      renamed.truth.forEach((t, i) => expect(at(renamed.text, t!)).toBe(at(text, spans[i])));

      const rewrapped = applyEdit('rewrap', text, spans, rng(seed));
      expect(rewrapped.text).toMatch(/\nInterviewer: Right\.\n$/);
      rewrapped.truth.forEach((t, i) => expect(collapse(at(rewrapped.text, t!))).toBe(collapse(at(text, spans[i]))));
    }
  });

  it('handles no spans', () => {
    for (const kind of EDIT_KINDS) {
      const r = applyEdit(kind, text, [], rng(5));
      expect(r.truth).toEqual([]);
      expect(r.changed).toBe(0);
    }
  });
});
