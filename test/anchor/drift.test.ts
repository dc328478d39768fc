/**
 * checkDrift against the benchmark's edits: on the bundled example, every kind of edit, a few seeds.
 * No passage may be moved to the wrong place; nearly all must be placed right.
 */
import { describe, expect, it } from 'vitest';
import { anchorAll } from '../../src/anchor/anchor.js';
import { checkDrift, wholeLines } from '../../src/anchor/drift.js';
import { buildLock, emptyLock } from '../../src/anchor/lock.js';
import { sha256 } from '../../src/project/files.js';
import { loadProject } from '../../src/project/load.js';
import { buildTranscript, lineOf } from '../../src/project/transcript.js';
import type { Project, Transcript } from '../../src/model/types.js';
// @ts-ignore -- a plain JavaScript module without type declarations; typed below
import * as editsModule from '../../bench/edits.mjs';
import { EXAMPLE } from '../helpers.js';

interface Span {
  start: number;
  end: number;
}
const edits = editsModule as unknown as {
  EDIT_KINDS: string[];
  rng(seed: number): () => number;
  applyEdit(kind: string, text: string, spans: Span[], random: () => number): { text: string; truth: (Span | null)[] };
};

const { project } = loadProject(EXAMPLE);
const base = project!;
const located = anchorAll(base).segments;
const lock = buildLock(base, located, emptyLock(), new Set());

/** The example with every transcript edited; and where each located passage truly is now. */
function edited(kind: string, seed: number): { p: Project; truth: Map<number, Span | null> } {
  const random = edits.rng(seed);
  const transcripts = new Map<string, Transcript>();
  const truth = new Map<number, Span | null>();
  const inputs = [...base.inputs];
  for (const [id, t] of [...base.transcripts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const segs = located.filter((s) => s.transcript.id === id);
    const e = edits.applyEdit(kind, t.text, segs.map((s) => ({ start: s.start, end: s.end })), random);
    transcripts.set(id, buildTranscript(id, t.path, e.text, base.speakers));
    segs.forEach((s, i) => truth.set(s.annotation.index, e.truth[i]));
    const rel = inputs.findIndex((x) => t.path.endsWith(x.path));
    inputs[rel] = { ...inputs[rel], sha256: sha256(e.text) };
  }
  return { p: { ...base, transcripts, inputs }, truth };
}

describe('checkDrift on edited transcripts', () => {
  for (const kind of edits.EDIT_KINDS) {
    it(`places passages after "${kind}" edits, never wrongly`, () => {
      let right = 0;
      let total = 0;
      const wrong: string[] = [];
      for (const seed of [11, 12]) {
        const { p, truth } = edited(kind, seed);
        const now = anchorAll(p).segments;
        const report = checkDrift(p, now, lock);
        const drifts = new Map(report.drifts.map((d) => [d.annotation.index, d]));
        const current = new Map(now.map((s) => [s.annotation.index, s]));
        for (const a of p.annotations) {
          const want = truth.get(a.index);
          if (want === undefined) continue;
          total++;
          const t = p.transcripts.get(a.transcript)!;
          const d = drifts.get(a.index);
          // Where the row points after reanchor: the drift's target, or where it points now.
          let at: Span | undefined;
          if (d && 'lost' in d.outcome) {
            if (want === null) right++;
            continue;
          }
          if (d && 'found' in d.outcome) at = a.quote === undefined ? wholeLines(t, d.lines!) : d.outcome.found;
          else at = current.get(a.index);
          const ok =
            want !== null &&
            at !== undefined &&
            (a.quote === undefined
              ? lines(t, at).join() === lines(t, want).join()
              : trim(t, at).join() === trim(t, want).join());
          if (ok) right++;
          else wrong.push(`${a.transcript} ${a.id}: ${want === null ? 'deleted' : `truth ${lineOf(t, want.start)}`}, placed ${at ? lineOf(t, at.start) : 'nowhere'}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(right / total).toBeGreaterThan(0.97);
    });
  }
});

/** The lines a span of whole lines covers (one that ends just after a line end finishes on the blank line there). */
function lines(t: Transcript, { start, end }: Span): [number, number] {
  return [lineOf(t, start), lineOf(t, end > start && t.text[end - 1] !== '\n' ? end - 1 : end)];
}

function trim(t: Transcript, s: Span): [number, number] {
  let [a, b] = [s.start, s.end];
  while (a < b && /\s/.test(t.text[a])) a++;
  while (b > a && /\s/.test(t.text[b - 1])) b--;
  return [a, b];
}
